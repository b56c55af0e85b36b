import type { Logger } from '../log/logger.js';

export type StopHook = () => Promise<void> | void;

/** Stop hooks run last-registered first: what started last (intake) stops first. */
export class StopHooks {
  readonly #hooks: { label: string; run: StopHook }[] = [];

  add(run: StopHook, label?: string): void {
    this.#hooks.push({ label: label ?? (run.name || `hook ${this.#hooks.length + 1}`), run });
  }

  /** Run every hook, one at a time, in reverse order; a failing hook is logged and the rest still run. */
  async runAll(log: Logger): Promise<{ failed: number }> {
    let failed = 0;
    for (const hook of [...this.#hooks].reverse()) {
      try {
        await hook.run();
        log.debug({ hook: hook.label }, 'stop hook done');
      } catch (err) {
        failed += 1;
        log.error({ err, hook: hook.label }, 'stop hook failed');
      }
    }
    return { failed };
  }
}
