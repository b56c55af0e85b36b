import { SimulatorError } from '../errors.js';

/** One recorded venue frame: when it was received and its raw text. */
export interface RecordedFrame {
  /** receive time, ms */
  readonly t: number;
  /** the frame exactly as received */
  readonly text: string;
  readonly channel: string | undefined;
  readonly coin: string | undefined;
}

const TIME_KEYS = ['t', 'ts', 'recvTs', 'recvTsMs', 'receivedAt', 'time'] as const;
const FRAME_KEYS = ['frame', 'raw', 'data', 'msg'] as const;

/**
 * Parses JSONL recordings: one object per line with a receive time (`t`, `ts`, `recvTs`, `recvTsMs`,
 * `receivedAt` or `time`, in ms; a nanosecond `recvTsNs` also works) and the frame (`frame`, `raw`,
 * `data` or `msg`, as a string or as JSON). Blank lines are skipped.
 */
export function parseRecording(jsonl: string): RecordedFrame[] {
  const out: RecordedFrame[] = [];
  const lines = jsonl.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (cause) {
      throw new SimulatorError(`recording line ${i + 1} is not JSON`, { cause });
    }
    const ns = row.recvTsNs;
    const tKey = TIME_KEYS.find((k) => typeof row[k] === 'number');
    const t =
      tKey !== undefined
        ? (row[tKey] as number)
        : typeof ns === 'number' || typeof ns === 'string'
          ? Number(BigInt(ns) / 1_000_000n)
          : undefined;
    const fKey = FRAME_KEYS.find((k) => row[k] !== undefined);
    if (t === undefined || fKey === undefined)
      throw new SimulatorError(`recording line ${i + 1} lacks a time or a frame`);
    const frame = row[fKey];
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    out.push({ t, text, ...routeOf(text) });
  }
  return out;
}

/** Channel and coin of a frame, to deliver it only to matching subscriptions. */
export function routeOf(text: string): { channel: string | undefined; coin: string | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { channel: undefined, coin: undefined };
  }
  if (typeof json !== 'object' || json === null) return { channel: undefined, coin: undefined };
  const f = json as { channel?: unknown; data?: unknown };
  const channel = typeof f.channel === 'string' ? f.channel : undefined;
  const data = Array.isArray(f.data) ? f.data[0] : f.data;
  const d = (typeof data === 'object' && data !== null ? data : {}) as { coin?: unknown; s?: unknown };
  const coin = typeof d.coin === 'string' ? d.coin : typeof d.s === 'string' ? d.s : undefined;
  return { channel, coin };
}

/** Delay of each frame from the start of playback at `speed` (× real time; Infinity = as fast as possible). */
export function schedule(frames: readonly RecordedFrame[], speed: number): number[] {
  const first = frames[0]?.t ?? 0;
  return frames.map((f) => (Number.isFinite(speed) ? Math.max(0, (f.t - first) / speed) : 0));
}
