// The started modules, in start order: stopped in reverse, like runService's hooks.
import type { Logger, Module } from '../ports.js';

export class Modules {
  readonly #started: Module[] = [];
  #ended = false;

  /** registers a started module (returned as is) */
  add<M extends Module>(module: M): M {
    this.#started.push(module);
    return module;
  }

  /** stops every module, the last started first; each stop runs even if an earlier one failed */
  async stop(log: Logger): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    let failure: unknown;
    for (const m of [...this.#started].reverse()) {
      try {
        await m.stop();
      } catch (err) {
        log.error({ err }, 'module stop failed');
        failure ??= err;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** crash-like: every module's `abandon` (or an unawaited stop), nothing released */
  abandon(log: Logger): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const m of [...this.#started].reverse()) {
      if (m.abandon) m.abandon();
      else void m.stop().catch((err: unknown) => log.warn({ err }, 'module stop failed while abandoning'));
    }
  }
}
