// nats-server with the repository's config (infra/nats/nats.conf: JetStream, one user per
// service, passwords made for this run), and a bare NATS client process as the memory baseline.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type Proc, REPO_ROOT, spawnTracked, waitUntil } from '@hyperflow/bench';
import { inboxPrefixFor, serverPasswordEnv } from '@hyperflow/bus';
import { type NatsHandle, startNatsBinary } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export const NATS_USERS = ['provisioner', 'ingestor', 'strategy', 'execution', 'operator'] as const;
export type NatsUser = (typeof NATS_USERS)[number];

export interface StackNats {
  readonly url: string;
  readonly passwords: Readonly<Record<NatsUser, string>>;
  /** environment of a service connecting as `user` */
  env(user: NatsUser): Record<string, string>;
  connect(user: NatsUser, name: string): Promise<NatsConnection>;
  stop(): Promise<void>;
}

export async function startStackNats(): Promise<StackNats> {
  const passwords = Object.fromEntries(
    NATS_USERS.map((u) => [u, `p${randomBytes(18).toString('hex')}`]),
  ) as Record<NatsUser, string>;
  // the server gets bcrypt hashes only (infra/nats/nats.conf)
  const env: Record<string, string> = { ...serverPasswordEnv(passwords, 10) };
  const handle: NatsHandle = await startNatsBinary({ configFile: `${REPO_ROOT}infra/nats/nats.conf`, env });
  return {
    url: handle.url,
    passwords,
    env: (user) => ({ NATS_URL: handle.url, NATS_USER: user, NATS_PASS: passwords[user] }),
    connect: (user, name) =>
      connect({ servers: handle.url, user, pass: passwords[user], name, inboxPrefix: inboxPrefixFor(user) }),
    stop: () => handle.stop(),
  };
}

/**
 * The baseline process: a bare Node.js that only connects to NATS (same client library, same
 * server, a service user) and idles. Its RSS is what any service pays before its own code.
 */
export async function spawnBareNatsClient(nats: StackNats, user: NatsUser): Promise<Proc> {
  const code = [
    "import { connect } from '@nats-io/transport-node';",
    'const nc = await connect({ servers: process.env.NATS_URL, user: process.env.NATS_USER, pass: process.env.NATS_PASS, name: "bench-bare" });',
    "process.stdout.write('connected\\n');",
    'setInterval(() => {}, 1 << 30);',
    "process.once('SIGTERM', () => void nc.close().then(() => process.exit(0)));",
  ].join('\n');
  const proc = spawnTracked('bare node + NATS', process.execPath, ['--input-type=module', '-e', code], {
    cwd: fileURLToPath(new URL('./', import.meta.url)),
    env: nats.env(user),
  });
  await waitUntil(() => proc.log().includes('connected'), 15_000, proc, 'bare NATS client connected');
  return proc;
}
