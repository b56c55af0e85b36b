import type { NatsConnection } from '@nats-io/transport-node';

export interface TapOptions {
  readonly nc: NatsConnection;
  readonly subject: string;
  readonly json: boolean;
  readonly out: NodeJS.WritableStream;
  /** stop after this many messages (scripts, tests) */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** A stored message's place: `replay` prints it; a live `tap` has none and prints the time now. */
export interface StoredAt {
  readonly seq: number;
  readonly time: Date;
}

/** One line per message: subject, time, and the payload (pretty, or raw JSON lines with `--json`). */
export function formatMessage(subject: string, data: Uint8Array, json: boolean, at?: StoredAt): string {
  const text = new TextDecoder().decode(data);
  if (json) {
    const where = at ? { seq: at.seq, time: at.time.toISOString() } : {};
    try {
      return JSON.stringify({ ...where, subject, data: JSON.parse(text) });
    } catch {
      return JSON.stringify({ ...where, subject, raw: text });
    }
  }
  let body: string;
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    const { type, v: _version, net: _net, id: _id, ...rest } = v;
    body = `${type ?? ''} ${Object.entries(rest)
      .map(([k, val]) => `${k}=${typeof val === 'object' ? JSON.stringify(val) : String(val)}`)
      .join(' ')}`;
  } catch {
    body = `(not JSON) ${text.slice(0, 200)}`;
  }
  if (at) return `${at.time.toISOString()} #${at.seq} ${subject}  ${body}`;
  return `${new Date().toISOString().slice(11, 23)} ${subject}  ${body}`;
}

/** `hyperflow tap <subject>`: a live view of any subject. */
export async function tap(opts: TapOptions): Promise<number> {
  const sub = opts.nc.subscribe(opts.subject, opts.limit !== undefined ? { max: opts.limit } : {});
  opts.signal?.addEventListener('abort', () => sub.unsubscribe());
  for await (const msg of sub) opts.out.write(`${formatMessage(msg.subject, msg.data, opts.json)}\n`);
  return 0;
}
