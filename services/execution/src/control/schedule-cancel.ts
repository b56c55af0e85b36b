// The venue's dead-man's switch (`scheduleCancel`, doc 3.2): while this replica leads, the venue is
// told to cancel every open order of the account `afterMs` from now, and told again every
// `refreshMs`, so a crash, a hang or a network partition leaves nothing resting for long. A
// graceful stop clears it (the standby takes over the orders). The venue refuses it until the
// account has traded $1M: then the switch turns itself off and the local watchdog (no market data
// → cancel all, in app.ts) is what remains.
import type { SubmitOutcome } from '@hyperflow/hyperliquid';

export type ScheduleAnswer =
  | { readonly kind: 'ok' }
  /** the venue refused; `permanent`: asking again will not help (the volume gate) */
  | { readonly kind: 'refused'; readonly error: string; readonly permanent: boolean }
  /** not sent or no answer (rate limit, timeout): the next refresh tries again */
  | { readonly kind: 'unknown'; readonly detail: string };

export interface ScheduleCancelOptions {
  /** ≥ 6000 (venue: the time must be at least 5 s ahead when it arrives) */
  readonly afterMs: number;
  readonly refreshMs: number;
  readonly clock: () => number;
  readonly log: {
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
    debug(obj: object, msg: string): void;
  };
  /** sends `scheduleCancel` with `time` (undefined: clear it) */
  send(time: number | undefined): Promise<ScheduleAnswer>;
}

export interface ScheduleCancelSwitch {
  /** the cancel time the venue last accepted (undefined: none set) */
  readonly armedUntil: number | undefined;
  /** false once the venue refused it for good */
  readonly enabled: boolean;
  /** one refresh now (what the timer does) */
  refresh(): Promise<void>;
  /** stops refreshing; `clear`: tells the venue to drop the scheduled cancel */
  stop(clear: boolean): Promise<void>;
}

const VOLUME_GATE = /enough volume/i;

/** Whether a venue refusal is the $1M volume gate (asking again does not help). */
export function isVolumeGate(error: string): boolean {
  return VOLUME_GATE.test(error);
}

/** What the venue's answer to one scheduleCancel means. Pure. */
export function scheduleAnswerOf(out: SubmitOutcome): ScheduleAnswer {
  if (out.kind !== 'answered') return { kind: 'unknown', detail: out.kind };
  const r = out.result;
  switch (r.kind) {
    case 'accepted':
    case 'okOther':
      return { kind: 'ok' };
    case 'rejected':
    case 'batchRejected':
      return { kind: 'refused', error: r.error.message, permanent: isVolumeGate(r.error.message) };
    default:
      return { kind: 'unknown', detail: `unexpected answer: ${r.kind}` };
  }
}

export async function startScheduleCancel(o: ScheduleCancelOptions): Promise<ScheduleCancelSwitch> {
  let armedUntil: number | undefined;
  let enabled = true;
  let inFlight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (!enabled) return Promise.resolve();
    inFlight ??= (async () => {
      const time = Math.floor(o.clock() + o.afterMs);
      const answer = await o.send(time).catch(
        (err: unknown): ScheduleAnswer => ({
          kind: 'unknown',
          detail: err instanceof Error ? err.message : String(err),
        }),
      );
      switch (answer.kind) {
        case 'ok':
          armedUntil = time;
          o.log.debug({ time }, 'venue scheduled cancel armed');
          return;
        case 'refused':
          if (answer.permanent) {
            enabled = false;
            o.log.warn(
              { error: answer.error },
              "venue scheduleCancel refused for good: only the local dead-man's switch remains",
            );
          } else o.log.error({ error: answer.error }, 'venue scheduleCancel refused; retrying');
          return;
        case 'unknown':
          o.log.warn({ detail: answer.detail }, 'venue scheduleCancel not confirmed; retrying');
          return;
        default: {
          const never: never = answer;
          return never;
        }
      }
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  await refresh();
  const timer = setInterval(() => void refresh(), o.refreshMs);
  return {
    get armedUntil() {
      return armedUntil;
    },
    get enabled() {
      return enabled;
    },
    refresh,
    async stop(clear) {
      clearInterval(timer);
      await inFlight;
      const wasEnabled = enabled;
      enabled = false;
      if (!clear || !wasEnabled || armedUntil === undefined) return;
      const answer = await o.send(undefined).catch(
        (err: unknown): ScheduleAnswer => ({
          kind: 'unknown',
          detail: err instanceof Error ? err.message : String(err),
        }),
      );
      if (answer.kind === 'ok') armedUntil = undefined;
      else o.log.error({ answer }, 'venue scheduled cancel not cleared: open orders cancel at its time');
    },
  };
}
