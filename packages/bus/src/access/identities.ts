// Who may do what on the bus: the one table infra/nats/nats.conf is generated from
// (`npm run nats:conf`), that the provisioner creates consumers from and that the permission
// suite (infra/nats/permissions.int.test.ts) checks action by action. Names are the production
// ones (root `hl`, no stream prefix); `<net>` in a filter is the network the stack runs.
import { buckets, DEFAULT_ROOT, type StreamKey, streams } from '@hyperflow/contracts';

type BucketKey = keyof ReturnType<typeof buckets>;

/** A durable pull consumer: created by the provisioner, used (info, next, ack) by its owner only. */
export interface DurableGrant {
  readonly stream: StreamKey;
  readonly name: string;
  /** filter subject; `<net>` is replaced by the network */
  readonly filter: string;
}

/** Ordered (ephemeral) consumers the identity may create on a stream, only with this filter. */
export interface ReadGrant {
  readonly stream: StreamKey;
  /** `hl.*.acct.>`: the server refuses a create whose filter differs from the subject's */
  readonly filter: string;
  /** may delete its ephemeral consumers when done (the event store does) */
  readonly deletes?: boolean;
}

/** KV access by bucket and key: `key` is exact or ends in `.>` / is `>`. */
export interface KvGrant {
  readonly bucket: BucketKey;
  readonly key: string;
  readonly write: boolean;
  /** watches the key (an ordered push consumer on the bucket's stream) */
  readonly watch?: boolean;
}

export interface Identity {
  readonly user: string;
  /** what it is for, one line (SECURITY.md and the conf comments) */
  readonly role: string;
  /** core and stream subjects it publishes: its own */
  readonly publish: readonly string[];
  /** core subscriptions (JetStream deliveries arrive on its inbox) */
  readonly subscribe: readonly string[];
  readonly durables: readonly DurableGrant[];
  readonly reads: readonly ReadGrant[];
  /** `$JS.API.STREAM.INFO` */
  readonly streamInfo: readonly (StreamKey | `KV:${BucketKey}`)[];
  /** `$JS.API.STREAM.MSG.GET` (any message of the stream: only its own streams) */
  readonly messageGet: readonly StreamKey[];
  readonly kv: readonly KvGrant[];
  /** registers as this NATS micro service (`$SRV.*`, `svc.<name>.>`) */
  readonly micro?: string;
  /** creates and updates the streams, buckets and durables of this table; nothing else */
  readonly provisioner?: boolean;
  /** the human/CLI identity: reads everything, publishes control commands */
  readonly operator?: boolean;
}

/** Strategy instances (INSTANCE_ID) with durables and a snapshot key; add one here to run it. */
export const STRATEGY_INSTANCES = ['strategy-1'] as const;

const strategyDurables = STRATEGY_INSTANCES.flatMap((i): DurableGrant[] => [
  { stream: 'MARKET', name: `strategy_${i}_md`, filter: 'hl.<net>.md.>' },
  { stream: 'EXECUTION', name: `strategy_${i}_acct`, filter: 'hl.<net>.acct.>' },
]);

export const IDENTITIES: readonly Identity[] = [
  {
    user: 'provisioner',
    role: 'creates and updates streams, KV buckets and durable consumers (one-shot `provision`)',
    publish: [],
    subscribe: [],
    durables: [],
    reads: [],
    streamInfo: [],
    messageGet: [],
    kv: [],
    provisioner: true,
  },
  {
    user: 'ingestor',
    role: 'publishes market data and feed health; debits the per-IP ledger',
    publish: ['hl.*.md.>', 'hl.*.dlq.ingestor'],
    subscribe: ['hl.*.ctl.>'],
    durables: [],
    reads: [],
    streamInfo: ['KV:ratelimit'],
    messageGet: [],
    kv: [{ bucket: 'ratelimit', key: 'ip.>', write: true }],
    micro: 'ingestor',
  },
  {
    user: 'strategy',
    role: 'consumes market data and account events, publishes signals',
    publish: ['hl.*.signal.>', 'hl.*.dlq.strategy'],
    subscribe: ['hl.*.md.>', 'hl.*.acct.>', 'hl.*.ctl.>'],
    durables: strategyDurables,
    reads: [
      { stream: 'MARKET', filter: 'hl.*.md.>' },
      { stream: 'EXECUTION', filter: 'hl.*.acct.>' },
      // control history replayed on start (a halt survives a restart)
      { stream: 'CONTROL', filter: 'hl.*.ctl.>' },
    ],
    streamInfo: ['MARKET', 'EXECUTION', 'CONTROL', 'KV:snapshots'],
    messageGet: [],
    kv: STRATEGY_INSTANCES.map((i) => ({ bucket: 'snapshots' as const, key: `strategy_${i}`, write: true })),
    micro: 'strategy',
  },
  {
    user: 'execution',
    role: 'consumes signals, signs and sends orders, records the order event store',
    publish: ['hl.*.exec.>', 'hl.*.acct.>', 'hl.*.dlq.execution', 'hl.lease.>'],
    subscribe: ['hl.*.signal.>', 'hl.*.md.>', 'hl.*.exec.>', 'hl.*.ctl.>', 'hl.lease.>'],
    durables: [{ stream: 'SIGNALS', name: 'execution', filter: 'hl.<net>.signal.>' }],
    reads: [{ stream: 'EXECUTION', filter: 'hl.*.exec.>', deletes: true }],
    streamInfo: ['EXECUTION', 'SIGNALS', 'KV:ratelimit', 'KV:leases'],
    messageGet: ['EXECUTION'],
    kv: [
      { bucket: 'ratelimit', key: 'ip.>', write: true },
      { bucket: 'leases', key: 'nonce.>', write: true, watch: true },
    ],
    micro: 'execution',
  },
  {
    user: 'operator',
    role: 'people and the CLI: read everything, publish control commands',
    publish: ['hl.*.ctl.>'],
    subscribe: ['hl.>'],
    durables: [],
    reads: [],
    streamInfo: [],
    messageGet: [],
    kv: [],
    operator: true,
  },
];

/** The environment variable holding an identity's password (the client side). */
export const passwordEnv = (user: string): string => `NATS_${user.toUpperCase()}_PASSWORD`;
/** The environment variable holding its bcrypt hash (nats-server's side). */
export const passwordHashEnv = (user: string): string => `NATS_${user.toUpperCase()}_PASSWORD_HASH`;

/** Every durable of the table, its filter for one network. Pure. */
export function durablesFor(net: string, root: string = DEFAULT_ROOT): (DurableGrant & { owner: string })[] {
  return IDENTITIES.flatMap((id) =>
    id.durables.map((d) => ({
      ...d,
      owner: id.user,
      filter: d.filter.replace('<net>', net).replace(/^hl\./, `${root}.`),
    })),
  );
}

/** Stream names of the production contract. */
export const STREAM_NAMES = streams();
export const BUCKET_NAMES = buckets();
