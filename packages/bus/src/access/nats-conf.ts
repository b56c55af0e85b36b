// Generates infra/nats/nats.conf from the identities table. Pure: the committed file is this
// function's output (infra/nats/nats-conf.unit.test.ts checks it), regenerate with `npm run nats:conf`.
import { BUCKET_NAMES, IDENTITIES, type Identity, passwordHashEnv, STREAM_NAMES } from './identities.js';

/** Subject prefix of an identity's inboxes: no identity can read another's replies or deliveries. */
export const inboxPrefixFor = (user: string): string => `_INBOX_${user}`;

export interface Permissions {
  readonly publish: { readonly allow: readonly string[]; readonly deny: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
  /** may answer requests it received (micro-service endpoints, lease presence) */
  readonly allowResponses: boolean;
}

const API = '$JS.API';
type BucketKey = keyof typeof BUCKET_NAMES;
const kvStream = (bucket: BucketKey) => `KV_${BUCKET_NAMES[bucket]}`;
const kvSubject = (bucket: BucketKey, key: string) => `$KV.${BUCKET_NAMES[bucket]}.${key}`;
const streamName = (key: string): string =>
  key.startsWith('KV:') ? kvStream(key.slice(3) as BucketKey) : key;

/** Every durable of the table, with its owner. */
function allDurables(table: readonly Identity[]) {
  return table.flatMap((id) => id.durables.map((d) => ({ ...d, owner: id.user })));
}

/** The narrowest publish/subscribe lists that let `id` do what the table says. Pure. */
export function permissionsOf(id: Identity, table: readonly Identity[] = IDENTITIES): Permissions {
  const allow: string[] = [];
  const deny: string[] = [];
  const sub: string[] = [];
  const add = (list: string[], ...s: string[]) => {
    for (const x of s) if (!list.includes(x)) list.push(x);
  };
  const durables = allDurables(table);
  /** others' durables on a stream this identity may address with a wildcard consumer name */
  const denyOthers = (stream: string) => {
    for (const d of durables.filter((x) => x.stream === stream && x.owner !== id.user)) {
      add(
        deny,
        `${API}.CONSUMER.MSG.NEXT.${d.stream}.${d.name}`,
        `${API}.CONSUMER.CREATE.${d.stream}.${d.name}`,
        `${API}.CONSUMER.CREATE.${d.stream}.${d.name}.>`,
        `${API}.CONSUMER.DURABLE.CREATE.${d.stream}.${d.name}`,
        `${API}.CONSUMER.DELETE.${d.stream}.${d.name}`,
        `$JS.ACK.${d.stream}.${d.name}.>`,
      );
    }
  };

  if (id.provisioner) {
    add(allow, `${API}.INFO`);
    const names = [
      ...Object.values(STREAM_NAMES).map((s) => s.name),
      ...(Object.keys(BUCKET_NAMES) as BucketKey[]).map(kvStream),
    ];
    for (const n of names) {
      add(allow, `${API}.STREAM.CREATE.${n}`, `${API}.STREAM.UPDATE.${n}`, `${API}.STREAM.INFO.${n}`);
    }
    for (const d of durables) {
      add(
        allow,
        `${API}.CONSUMER.CREATE.${d.stream}.${d.name}`,
        `${API}.CONSUMER.CREATE.${d.stream}.${d.name}.>`,
        `${API}.CONSUMER.DURABLE.CREATE.${d.stream}.${d.name}`,
        `${API}.CONSUMER.INFO.${d.stream}.${d.name}`,
      );
    }
    add(sub, `${inboxPrefixFor(id.user)}.>`);
    return { publish: { allow, deny }, subscribe: { allow: sub }, allowResponses: false };
  }

  if (id.operator) {
    add(
      allow,
      ...id.publish,
      'svc.>', // ask any service for its status
      '$SRV.>', // micro-service discovery
      `${API}.INFO`,
      `${API}.STREAM.NAMES`,
      `${API}.STREAM.LIST`,
      `${API}.STREAM.INFO.*`,
      `${API}.STREAM.MSG.GET.*`,
      `${API}.DIRECT.GET.>`,
      `${API}.CONSUMER.NAMES.*`,
      `${API}.CONSUMER.LIST.*`,
      `${API}.CONSUMER.INFO.*.*`,
      // ephemeral reads of any stream (replay, counts); never a service's durable (denied below)
      `${API}.CONSUMER.CREATE.*`,
      `${API}.CONSUMER.CREATE.*.*`,
      `${API}.CONSUMER.CREATE.*.*.>`,
      `${API}.CONSUMER.MSG.NEXT.*.*`,
      `${API}.CONSUMER.DELETE.*.*`,
    );
    for (const s of new Set(durables.map((d) => d.stream))) denyOthers(s);
    add(sub, ...id.subscribe, `${inboxPrefixFor(id.user)}.>`, '$SRV.>');
    return { publish: { allow, deny }, subscribe: { allow: sub }, allowResponses: false };
  }

  add(allow, ...id.publish, `${API}.INFO`);
  for (const s of id.streamInfo) add(allow, `${API}.STREAM.INFO.${streamName(s)}`);
  for (const s of id.messageGet) add(allow, `${API}.STREAM.MSG.GET.${s}`);
  for (const d of id.durables) {
    add(
      allow,
      `${API}.CONSUMER.INFO.${d.stream}.${d.name}`,
      `${API}.CONSUMER.MSG.NEXT.${d.stream}.${d.name}`,
      `$JS.ACK.${d.stream}.${d.name}.>`,
    );
  }
  for (const r of id.reads) {
    add(
      allow,
      `${API}.CONSUMER.CREATE.${r.stream}.*.${r.filter}`,
      `${API}.CONSUMER.INFO.${r.stream}.*`,
      `${API}.CONSUMER.MSG.NEXT.${r.stream}.*`,
    );
    if (r.deletes) add(allow, `${API}.CONSUMER.DELETE.${r.stream}.*`);
    denyOthers(r.stream);
  }
  for (const k of id.kv) {
    const stream = kvStream(k.bucket);
    add(
      allow,
      `${API}.STREAM.INFO.${stream}`,
      `${API}.DIRECT.GET.${stream}.${kvSubject(k.bucket, k.key)}`,
      // Kvm.open() binds without allow_direct, so kv.get() asks STREAM.MSG.GET (the bucket only)
      `${API}.STREAM.MSG.GET.${stream}`,
    );
    if (k.write) add(allow, kvSubject(k.bucket, k.key));
    if (k.watch) {
      add(
        allow,
        `${API}.CONSUMER.CREATE.${stream}.*.${kvSubject(k.bucket, k.key)}`,
        `${API}.CONSUMER.INFO.${stream}.*`,
        `${API}.CONSUMER.DELETE.${stream}.*`,
        `$JS.FC.${stream}.>`,
      );
    }
  }
  add(sub, ...id.subscribe, `${inboxPrefixFor(id.user)}.>`);
  if (id.micro !== undefined) {
    add(sub, '$SRV.*', `$SRV.*.${id.micro}`, `$SRV.*.${id.micro}.*`, `svc.${id.micro}.>`);
  }
  return {
    publish: { allow, deny },
    subscribe: { allow: sub },
    allowResponses: id.micro !== undefined,
  };
}

const list = (items: readonly string[], indent: string) =>
  `[\n${items.map((s) => `${indent}  "${s}"`).join('\n')}\n${indent}]`;

function userBlock(id: Identity, table: readonly Identity[]): string {
  const p = permissionsOf(id, table);
  const i = '          ';
  const lines = [
    '    {',
    `      # ${id.role}`,
    `      user: ${id.user}`,
    `      password: $${passwordHashEnv(id.user)}`,
    '      permissions: {',
    `        publish: {`,
    `          allow: ${list(p.publish.allow, i)}`,
    ...(p.publish.deny.length > 0 ? [`          deny: ${list(p.publish.deny, i)}`] : []),
    '        }',
    `        subscribe: { allow: ${list(p.subscribe.allow, '        ')} }`,
    ...(p.allowResponses ? ['        allow_responses: true'] : []),
    '      }',
    '    }',
  ];
  return lines.join('\n');
}

/** The whole nats-server config. Pure. */
export function natsConf(table: readonly Identity[] = IDENTITIES): string {
  return `# GENERATED from packages/bus/src/access/identities.ts by \`npm run nats:conf\`: do not edit by hand.
# hyperflow NATS server: JetStream plus one user per identity with the narrowest JetStream and KV
# permissions that work (SECURITY.md). Only the provisioner creates or updates streams, buckets
# and consumers; a service uses its own durables, reads only the streams it needs and writes only
# its own subjects and KV keys. Passwords are bcrypt hashes from the environment
# (NATS_<USER>_PASSWORD_HASH, a double-quoted "$2a$…" value: \`hyperflow setup\` writes them).
port: 4222
# monitoring: loopback only (compose's health check runs inside the container)
http: "127.0.0.1:8222"
server_name: $NATS_SERVER_NAME

jetstream {
  store_dir: $NATS_STORE_DIR
  max_memory_store: 512MB
  max_file_store: 8GB
}

authorization {
  users = [
${table.map((id) => userBlock(id, table)).join('\n')}
  ]
}
`;
}
