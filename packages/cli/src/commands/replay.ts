import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { inboxPrefixFor } from '@hyperflow/bus';
import { DEFAULT_ROOT, Net } from '@hyperflow/contracts';
import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { connect, credsAuthenticator, headers, type NatsConnection } from '@nats-io/transport-node';
import { CliError } from '../errors.js';
import { formatMessage } from './tap.js';

/** Where a replay starts and ends: stream sequences (inclusive) or stored times (ms, inclusive). */
export interface ReplayRange {
  readonly fromSeq?: number;
  readonly fromMs?: number;
  readonly toSeq?: number;
  readonly toMs?: number;
  /** only the last N messages of the range */
  readonly last?: number;
}

export interface ReplayOptions {
  readonly nc: NatsConnection;
  /** the subject filter (one subject, wildcards allowed: JetStream 2.9 takes a single filter) */
  readonly subject: string;
  /** the stream holding it; found by subject when absent */
  readonly stream?: string;
  readonly range: ReplayRange;
  readonly json: boolean;
  /** republish under this prefix instead of printing: the subject's root token is replaced by it */
  readonly republish?: string;
  /** the live subject root the services own (`hl`): republishing under `<root>.<net>.` is refused */
  readonly liveRoot?: string;
  /** 'max' (default): as fast as possible; a number: the original spacing divided by it */
  readonly speed?: number | 'max';
  readonly out: NodeJS.WritableStream;
  readonly signal?: AbortSignal;
  /** pacing sleep; tests replace it */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReplayResult {
  readonly stream: string;
  readonly count: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
}

/** `hl.sim.md.trade.BTC` under prefix `replay` → `replay.sim.md.trade.BTC` */
export function retarget(subject: string, prefix: string): string {
  const dot = subject.indexOf('.');
  return dot < 0 ? prefix : `${prefix}${subject.slice(dot)}`;
}

/** The reason a republish prefix is refused, or undefined when it is allowed. */
export function refuseTarget(prefix: string, liveRoot: string = DEFAULT_ROOT): string | undefined {
  if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) {
    return `--republish ${JSON.stringify(prefix)}: a subject prefix is dot-separated tokens without wildcards`;
  }
  const [first, second] = prefix.split('.');
  // prefix `hl` puts `hl.<net>.…` back; `hl.sim…` is inside a live network's subjects
  if (first === liveRoot && (second === undefined || Net.safeParse(second).success)) {
    return `--republish ${prefix}: refusing to publish onto the live ${liveRoot}.<net>.* subjects the services own; pick another prefix (e.g. replay)`;
  }
  return undefined;
}

const nanosToMs = (n: number) => Math.floor(n / 1_000_000);
const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Matching messages from `startSeq` to the stream's end, counted by the server (ephemeral consumer). */
async function pendingFrom(jsm: JetStreamManager, stream: string, subject: string, startSeq: number) {
  const cfg: Partial<ConsumerConfig> = {
    filter_subject: subject,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: startSeq,
    ack_policy: AckPolicy.None,
    inactive_threshold: 10_000_000_000,
  };
  const ci = await jsm.consumers.add(stream, cfg);
  await jsm.consumers.delete(stream, ci.name).catch(() => undefined);
  return ci.num_pending;
}

/**
 * The first sequence from which the range still holds at least `n` matching messages through
 * `endSeq` (or the stream's first sequence), found by doubling a window back from the end.
 */
async function startForLast(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  firstSeq: number,
  endSeq: number,
  lastSeq: number,
  n: number,
): Promise<number> {
  const after = endSeq < lastSeq ? await pendingFrom(jsm, stream, subject, endSeq + 1) : 0;
  for (let window = n; ; window *= 2) {
    const start = Math.max(firstSeq, endSeq - window + 1);
    if (start === firstSeq) return firstSeq;
    if ((await pendingFrom(jsm, stream, subject, start)) - after >= n) return start;
  }
}

/**
 * `hyperflow replay`: reads a stored range of a subject with an ordered consumer (one filter
 * subject) and prints it like `tap` (stored time and sequence included) or republishes it under
 * another prefix, optionally paced at the original timing. The range ends at the stream's last
 * message when the replay starts, so it always terminates.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const { range } = opts;
  if (opts.republish !== undefined) {
    const why = refuseTarget(opts.republish, opts.liveRoot);
    if (why) throw new CliError(why);
    if (retarget(opts.subject, opts.republish) === opts.subject) {
      throw new CliError(
        `--republish ${opts.republish}: refusing to publish onto the subjects being replayed`,
      );
    }
  }
  const jsm = await jetstreamManager(opts.nc);
  let stream = opts.stream;
  if (stream === undefined) {
    try {
      stream = await jsm.streams.find(opts.subject);
    } catch {
      throw new CliError(`no stream stores ${opts.subject}: name one with --stream`);
    }
  }
  let info: Awaited<ReturnType<JetStreamManager['streams']['info']>>;
  try {
    info = await jsm.streams.info(stream);
  } catch {
    throw new CliError(`stream ${stream} not found`);
  }
  const { first_seq: firstSeq, last_seq: lastSeq, messages } = info.state;
  const endSeq = Math.min(range.toSeq ?? lastSeq, lastSeq);
  const empty: ReplayResult = { stream, count: 0 };
  if (messages === 0 || endSeq < firstSeq || (range.fromSeq ?? 0) > endSeq) return empty;

  let fromSeq = range.fromSeq;
  if (range.last !== undefined && range.fromMs === undefined && range.toMs === undefined) {
    const start = await startForLast(jsm, stream, opts.subject, firstSeq, endSeq, lastSeq, range.last);
    fromSeq = Math.max(fromSeq ?? firstSeq, start);
  }
  const consumer = await jetstream(opts.nc).consumers.get(stream, {
    filter_subjects: opts.subject,
    ...(fromSeq !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(firstSeq, fromSeq) }
      : range.fromMs !== undefined
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: new Date(range.fromMs).toISOString() }
        : { deliver_policy: DeliverPolicy.All }),
  });

  // with --last the range is read to its end first, keeping only the last N
  const kept: JsMsg[] = [];
  let count = 0;
  let firstOut: number | undefined;
  let lastOut: number | undefined;
  let prevMs: number | undefined;
  const sleep = opts.sleep ?? sleepMs;
  const emit = async (m: JsMsg) => {
    const ms = nanosToMs(m.info.timestampNanos);
    if (typeof opts.speed === 'number' && prevMs !== undefined && ms > prevMs) {
      await sleep((ms - prevMs) / opts.speed);
    }
    prevMs = ms;
    if (opts.republish !== undefined) {
      const h = headers();
      for (const [k, v] of m.headers ?? []) {
        // a fresh message: no de-duplication id or publish expectations from the original
        if (k === 'Nats-Msg-Id' || k.startsWith('Nats-Expected')) continue;
        for (const x of v) h.append(k, x);
      }
      h.set('Hyperflow-Replay-Of', `${stream}:${m.seq}`);
      h.set('Hyperflow-Replay-Subject', m.subject);
      h.set('Hyperflow-Replay-Time', new Date(ms).toISOString());
      opts.nc.publish(retarget(m.subject, opts.republish), m.data, { headers: h });
    } else {
      opts.out.write(`${formatMessage(m.subject, m.data, opts.json, { seq: m.seq, time: new Date(ms) })}\n`);
    }
    count += 1;
    firstOut ??= m.seq;
    lastOut = m.seq;
  };

  let done = opts.signal?.aborted === true;
  while (!done) {
    // a fetch that finds nothing ends at `expires`: no (more) matching messages
    const batch = await consumer.fetch({ max_messages: 256, expires: 1_000 });
    let n = 0;
    for await (const m of batch) {
      n += 1;
      const past =
        m.seq > endSeq || (range.toMs !== undefined && nanosToMs(m.info.timestampNanos) > range.toMs);
      if (!past) {
        if (range.last !== undefined) {
          kept.push(m);
          if (kept.length > range.last) kept.shift();
        } else {
          await emit(m);
        }
      }
      if (past || m.seq >= endSeq || m.info.pending === 0 || opts.signal?.aborted) {
        done = true;
        break;
      }
    }
    if (n === 0) done = true;
  }
  for (const m of kept) {
    if (opts.signal?.aborted) break;
    await emit(m);
  }
  if (opts.republish !== undefined) await opts.nc.flush();
  return {
    stream,
    count,
    ...(firstOut !== undefined ? { firstSeq: firstOut } : {}),
    ...(lastOut !== undefined ? { lastSeq: lastOut } : {}),
  };
}

export const REPLAY_USAGE = `  replay <subject> [--from <time> | --from-seq <n>] [--to <time> | --to-seq <n>] [--last <n>]
         [--json] [--republish <prefix>] [--speed max|1|10|<x>] [--stream <name>] [--root hl]
         [--nats <url>] [--user <u> --pass <p> | --token <t> | --creds <file>]
                                     print a stored range of a subject (like tap), or republish it
                                     with its root replaced by <prefix> (never onto hl.<net>.*);
                                     times: ISO 8601 or epoch ms, stored time, bounds inclusive`;

/** ISO 8601 or epoch milliseconds */
function time(s: string, what: string): number {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(ms)) throw new CliError(`${what}: not a time (ISO 8601 or epoch ms): ${s}`);
  return ms;
}

function count(s: string, what: string, min: number): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${what}: expected an integer >= ${min}, got ${JSON.stringify(s)}`);
  }
  return n;
}

export interface ParsedReplayArgs {
  readonly subject: string;
  readonly stream?: string;
  readonly range: ReplayRange;
  readonly json: boolean;
  readonly republish?: string;
  readonly speed: number | 'max';
  readonly root: string;
  readonly connection: {
    readonly url?: string;
    readonly user?: string;
    readonly pass?: string;
    readonly token?: string;
    readonly credsFile?: string;
  };
}

/**
 * The arguments of `hyperflow replay`; every mistake is a CliError naming it. Credentials:
 * `--user/--pass`, `--token` or `--creds`, else NATS_USER/NATS_PASS, NATS_TOKEN, NATS_CREDS_FILE
 * (the variables `tap` and the services read); the URL: `--nats`, else NATS_URL.
 */
export function parseReplayArgs(args: string[], env: NodeJS.ProcessEnv): ParsedReplayArgs {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        from: { type: 'string' },
        'from-seq': { type: 'string' },
        to: { type: 'string' },
        'to-seq': { type: 'string' },
        last: { type: 'string' },
        json: { type: 'boolean', default: false },
        republish: { type: 'string' },
        speed: { type: 'string', default: 'max' },
        stream: { type: 'string' },
        root: { type: 'string', default: DEFAULT_ROOT },
        nats: { type: 'string' },
        user: { type: 'string' },
        pass: { type: 'string' },
        token: { type: 'string' },
        creds: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new CliError(`replay: ${(err as Error).message}`);
  }
  const str = (k: string) => values[k] as string | undefined;
  const subject = positionals[0];
  if (subject === undefined || positionals.length > 1) {
    throw new CliError(
      'replay needs exactly one subject, e.g. hyperflow replay "hl.sim.md.trade.BTC" --last 100',
    );
  }
  if (str('from') !== undefined && str('from-seq') !== undefined)
    throw new CliError('replay: give --from or --from-seq, not both');
  if (str('to') !== undefined && str('to-seq') !== undefined)
    throw new CliError('replay: give --to or --to-seq, not both');
  const range: ReplayRange = {
    ...(str('from') !== undefined ? { fromMs: time(str('from') as string, '--from') } : {}),
    ...(str('from-seq') !== undefined ? { fromSeq: count(str('from-seq') as string, '--from-seq', 1) } : {}),
    ...(str('to') !== undefined ? { toMs: time(str('to') as string, '--to') } : {}),
    ...(str('to-seq') !== undefined ? { toSeq: count(str('to-seq') as string, '--to-seq', 1) } : {}),
    ...(str('last') !== undefined ? { last: count(str('last') as string, '--last', 1) } : {}),
  };
  if (range.fromSeq !== undefined && range.toSeq !== undefined && range.fromSeq > range.toSeq)
    throw new CliError('replay: --from-seq is after --to-seq');
  if (range.fromMs !== undefined && range.toMs !== undefined && range.fromMs > range.toMs)
    throw new CliError('replay: --from is after --to');
  const speedArg = str('speed') as string;
  const speed = speedArg === 'max' ? 'max' : Number(speedArg);
  if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0))
    throw new CliError(
      `replay: --speed takes max or a positive factor (1 = original timing), got ${speedArg}`,
    );
  const root = str('root') as string;
  const republish = str('republish');
  if (republish !== undefined) {
    const why = refuseTarget(republish, root);
    if (why) throw new CliError(why);
    if (values.json) throw new CliError('replay: --json prints; it does not go with --republish');
  }
  // flags win as a set; without any, the environment `tap` and the services read
  const flagged = str('user') !== undefined || str('token') !== undefined || str('creds') !== undefined;
  if (str('pass') !== undefined && str('user') === undefined)
    throw new CliError('replay: --pass needs --user');
  const user = str('user') ?? (flagged ? undefined : env.NATS_USER || undefined);
  const pass = user === undefined ? undefined : (str('pass') ?? env.NATS_PASS);
  if (user !== undefined && pass === undefined)
    throw new CliError('replay: --user needs --pass (or NATS_PASS)');
  const token = str('token') ?? (flagged ? undefined : env.NATS_TOKEN || undefined);
  const credsFile = str('creds') ?? (flagged ? undefined : env.NATS_CREDS_FILE || undefined);
  const url = str('nats') ?? (env.NATS_URL || undefined);
  return {
    subject,
    ...(str('stream') !== undefined ? { stream: str('stream') as string } : {}),
    range,
    json: values.json === true,
    ...(republish !== undefined ? { republish } : {}),
    speed,
    root,
    connection: {
      ...(url !== undefined ? { url } : {}),
      ...(user !== undefined ? { user } : {}),
      ...(pass !== undefined ? { pass } : {}),
      ...(token !== undefined ? { token } : {}),
      ...(credsFile !== undefined ? { credsFile } : {}),
    },
  };
}

/** A short-lived CLI connection: fails at once (no reconnect loop) with a message naming the server. */
export async function connectCli(
  c: ParsedReplayArgs['connection'] & { url: string },
): Promise<NatsConnection> {
  let creds: Uint8Array | undefined;
  if (c.credsFile !== undefined) {
    try {
      creds = readFileSync(c.credsFile);
    } catch {
      throw new CliError(`cannot read the credentials file ${c.credsFile}`);
    }
  }
  try {
    return await connect({
      servers: c.url,
      name: 'hyperflow-cli',
      maxReconnectAttempts: 0,
      // replies on the identity's own inboxes: infra/nats/nats.conf lets it read no others
      ...(c.user !== undefined
        ? { user: c.user, pass: c.pass ?? '', inboxPrefix: inboxPrefixFor(c.user) }
        : {}),
      ...(c.token !== undefined ? { token: c.token } : {}),
      ...(creds !== undefined ? { authenticator: credsAuthenticator(creds) } : {}),
    });
  } catch (err) {
    // never echo the credentials: the server and the reason only
    throw new CliError(`cannot connect to NATS ${c.url}: ${(err as Error).message}`);
  }
}
