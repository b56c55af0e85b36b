// The permission suite: the committed infra/nats/nats.conf on a real nats-server. For every
// identity of the table, what it must do works (through the same library calls the services
// make) and what it must not do is refused by the server, including every attack of issue 21.
// Prints the identities × actions matrix.
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import {
  createEventStore,
  createFastPublisher,
  generatePassword,
  IDENTITIES,
  inboxPrefixFor,
  openLeaseBucket,
  provision,
  provisionDurables,
  serverPasswordEnv,
  verifyProvisioned,
} from '@hyperflow/bus';
import { type NatsHandle, startNatsBinary } from '@hyperflow/testkit';
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Svcm } from '@nats-io/services';
import { connect, type NatsConnection, PermissionViolationError } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectCli, replay } from '../../packages/cli/src/commands/replay.js';

type User = 'provisioner' | 'ingestor' | 'strategy' | 'execution' | 'operator';
const USERS: readonly User[] = ['provisioner', 'ingestor', 'strategy', 'execution', 'operator'];
const passwords = Object.fromEntries(USERS.map((u) => [u, generatePassword()])) as Record<User, string>;

let nats: NatsHandle;
const conns = new Map<User, NatsConnection>();
/** permission violations the server reported per connection (async -ERR) */
const violations = new Map<User, string[]>();

async function open(user: User): Promise<NatsConnection> {
  const nc = await connect({
    servers: nats.url,
    user,
    pass: passwords[user],
    inboxPrefix: inboxPrefixFor(user),
    reconnect: false,
  });
  const seen: string[] = [];
  violations.set(user, seen);
  void (async () => {
    for await (const s of nc.status()) if (s.type === 'error') seen.push(String(s.error));
  })();
  return nc;
}
const nc = (u: User) => conns.get(u) as NatsConnection;

beforeAll(async () => {
  nats = await startNatsBinary({
    configFile: fileURLToPath(new URL('./nats.conf', import.meta.url)),
    // cost 4: the server checks it the same way; the suite connects often
    env: serverPasswordEnv(passwords, 4),
  });
  for (const u of USERS) conns.set(u, await open(u));
  // the provisioner's whole job, through the same calls `hyperflow provision` makes
  await provision(nc('provisioner'));
  await provisionDurables(nc('provisioner'), { net: 'sim' });
});
afterAll(async () => {
  for (const c of conns.values()) await c.close().catch(() => undefined);
  await nats?.stop();
  if (matrix.length > 0) {
    const width = Math.max(...matrix.map((r) => r.action.length));
    const lines = USERS.flatMap((u) => [
      `${u}:`,
      ...matrix
        .filter((r) => r.user === u)
        .map((r) => `  ${r.action.padEnd(width)}  ${r.expect === 'allowed' ? 'ALLOWED' : 'refused'}`),
    ]);
    process.stdout.write(
      `\nidentities × actions (infra/nats/nats.conf, nats-server ${serverVersion})\n${lines.join('\n')}\n`,
    );
  }
});
let serverVersion = '?';

const matrix: { user: User; action: string; expect: 'allowed' | 'refused' }[] = [];

/** True when `run` failed because the server refused it for permissions. */
async function isRefused(user: User, run: () => Promise<unknown>): Promise<boolean> {
  const before = violations.get(user)?.length ?? 0;
  try {
    await run();
  } catch (err) {
    if (err instanceof PermissionViolationError || /permission/i.test(String(err))) return true;
    if (/timeout|TIMEOUT/.test(String(err)) && (violations.get(user)?.length ?? 0) > before) return true;
    throw err;
  }
  await nc(user).flush();
  await new Promise((r) => setTimeout(r, 30));
  return (violations.get(user)?.length ?? 0) > before;
}

/** A raw JetStream API request: its parsed answer (or a permission refusal). */
async function api(user: User, subject: string, body: unknown = {}): Promise<{ error?: { code: number } }> {
  const m = await nc(user).request(subject, JSON.stringify(body), { timeout: 2000 });
  return m.json();
}
async function publishAck(user: User, subject: string, data = '{}') {
  return jetstream(nc(user)).publish(subject, data);
}

const allowed = (user: User, action: string, run: () => Promise<unknown>) => {
  matrix.push({ user, action, expect: 'allowed' });
  it(`${user} may ${action}`, async () => {
    const before = violations.get(user)?.length ?? 0;
    const refusedIt = await isRefused(user, run);
    expect(
      refusedIt,
      `${user}: ${action} was refused: ${violations.get(user)?.slice(before).join('; ')}`,
    ).toBe(false);
  });
};
const refused = (user: User, action: string, run: () => Promise<unknown>, after?: () => Promise<void>) => {
  matrix.push({ user, action, expect: 'refused' });
  it(`${user} may not ${action}`, async () => {
    expect(await isRefused(user, run), `${user}: ${action} went through`).toBe(true);
    await after?.();
  });
};

const jsm = (u: User): Promise<JetStreamManager> => jetstreamManager(nc(u));
const Any = z.unknown();

/** a stream a service would make on its own inbox, republishing into the control subjects */
const republishStream = (user: User) => ({
  name: `EVIL_${user}`,
  subjects: [`${inboxPrefixFor(user)}.evil`],
  republish: { src: '>', dest: 'hl.sim.ctl.all' },
});
const sourcingUpdate = (user: User) => ({
  name: 'EXECUTION',
  subjects: ['hl.*.exec.>', 'hl.*.acct.>'],
  sources: [
    {
      name: `EVIL_${user}`,
      subject_transforms: [{ src: '>', dest: 'hl.sim.exec.order.forged' }],
    },
  ],
});

describe('every identity of the table is in the conf', () => {
  it('has a login, and a wrong password is refused', async () => {
    serverVersion = nc('operator').info?.version ?? '?';
    expect(IDENTITIES.map((i) => i.user)).toEqual(USERS);
    await expect(
      connect({ servers: nats.url, user: 'ingestor', pass: passwords.strategy, reconnect: false }),
    ).rejects.toThrow(/authorization/i);
  });
});

describe('provisioner: creates streams, buckets and durables; nothing else', () => {
  allowed('provisioner', 'update a stream (EXECUTION limits)', async () => {
    await provision(nc('provisioner'));
  });
  refused('provisioner', 'delete a stream (STREAM.DELETE.EXECUTION)', () =>
    api('provisioner', '$JS.API.STREAM.DELETE.EXECUTION'),
  );
  refused('provisioner', 'purge a stream (STREAM.PURGE.EXECUTION)', () =>
    api('provisioner', '$JS.API.STREAM.PURGE.EXECUTION'),
  );
  refused('provisioner', 'publish a control command (hl.sim.ctl.all)', () =>
    publishAck('provisioner', 'hl.sim.ctl.all'),
  );
  refused('provisioner', 'read EXECUTION (STREAM.MSG.GET)', () =>
    api('provisioner', '$JS.API.STREAM.MSG.GET.EXECUTION', { seq: 1 }),
  );
  refused('provisioner', 'take signals (MSG.NEXT SIGNALS.execution)', () =>
    api('provisioner', '$JS.API.CONSUMER.MSG.NEXT.SIGNALS.execution', { batch: 1, no_wait: true }),
  );
});

describe('ingestor', () => {
  allowed('ingestor', 'publish market data to MARKET', () => publishAck('ingestor', 'hl.sim.md.trade.BTC'));
  allowed('ingestor', 'publish market data through the fast publisher (acks on its own inbox)', async () => {
    const fast = createFastPublisher(nc('ingestor'));
    await fast.publish('hl.sim.md.trade.SOL', Any, {}, { msgId: 'perm-fast-1' });
    const stats = await fast.flush();
    expect(stats.acked).toBe(1);
    expect(stats.failed).toBe(0);
  });
  allowed('ingestor', 'dead-letter to its DLQ subject', () => publishAck('ingestor', 'hl.sim.dlq.ingestor'));
  allowed('ingestor', 'debit the per-IP ledger (KV hl_ratelimit ip.*)', async () => {
    const kv = await new Kvm(jetstream(nc('ingestor'))).open('hl_ratelimit');
    await kv.put('ip.default', '{}');
    await kv.get('ip.default');
  });
  allowed('ingestor', 'answer on its micro-service endpoint', async () => {
    const svc = await new Svcm(nc('ingestor')).add({ name: 'ingestor', version: '0.0.1' });
    svc.addGroup('svc.ingestor').addEndpoint('status', { handler: (_e, m) => m.respond('ok') });
    await nc('ingestor').flush();
    const r = await nc('operator').request('svc.ingestor.status', '', { timeout: 2000 });
    expect(r.string()).toBe('ok');
    await svc.stop();
  });
  for (const user of ['ingestor', 'strategy'] as const) {
    refused(
      user,
      'update EXECUTION to max_msgs 1 (STREAM.UPDATE)',
      () =>
        api(user, '$JS.API.STREAM.UPDATE.EXECUTION', {
          name: 'EXECUTION',
          subjects: ['hl.*.exec.>', 'hl.*.acct.>'],
          max_msgs: 1,
        }),
      async () => {
        expect((await (await jsm('operator')).streams.info('EXECUTION')).config.max_msgs).toBe(-1);
      },
    );
    refused(
      user,
      "delete execution's consumer (CONSUMER.DELETE.SIGNALS.execution)",
      () => api(user, '$JS.API.CONSUMER.DELETE.SIGNALS.execution'),
      async () => {
        expect((await (await jsm('operator')).consumers.info('SIGNALS', 'execution')).name).toBe('execution');
      },
    );
    refused(user, "take execution's signals (MSG.NEXT SIGNALS.execution)", () =>
      api(user, '$JS.API.CONSUMER.MSG.NEXT.SIGNALS.execution', { batch: 1, no_wait: true }),
    );
    refused(user, 'direct get on EXECUTION', () =>
      api(user, '$JS.API.DIRECT.GET.EXECUTION', { last_by_subj: 'hl.sim.exec.risk' }),
    );
    refused(user, 'direct get by subject on EXECUTION', () =>
      api(user, '$JS.API.DIRECT.GET.EXECUTION.hl.sim.exec.risk'),
    );
    refused(user, 'message get on EXECUTION (STREAM.MSG.GET)', () =>
      api(user, '$JS.API.STREAM.MSG.GET.EXECUTION', { seq: 1 }),
    );
    refused(user, 'create a consumer reading orders (CREATE EXECUTION …exec.>)', () =>
      api(user, '$JS.API.CONSUMER.CREATE.EXECUTION.thief.hl.sim.exec.>', {
        stream_name: 'EXECUTION',
        config: { name: 'thief', filter_subject: 'hl.sim.exec.>', ack_policy: AckPolicy.None },
      }),
    );
    refused(user, 'create an unnamed consumer on EXECUTION (CREATE.EXECUTION)', () =>
      api(user, '$JS.API.CONSUMER.CREATE.EXECUTION', {
        stream_name: 'EXECUTION',
        config: { ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.All },
      }),
    );
    refused(user, 'take the signer lease (KV put hl_leases nonce.*)', () =>
      publishAck(user, '$KV.hl_leases.nonce.0xabc', '{"holder":"thief"}'),
    );
    refused(user, 'read the signer lease (direct get hl_leases)', () =>
      api(user, '$JS.API.DIRECT.GET.KV_hl_leases.$KV.hl_leases.nonce.0xabc'),
    );
    refused(user, 'create a stream republishing to hl.sim.ctl.all', () =>
      api(user, `$JS.API.STREAM.CREATE.EVIL_${user}`, republishStream(user)),
    );
    refused(user, 'make EXECUTION source its stream with a subject transform', () =>
      api(user, '$JS.API.STREAM.UPDATE.EXECUTION', sourcingUpdate(user)),
    );
    refused(user, 'forge an order event (publish hl.sim.exec.order.x)', () =>
      publishAck(user, 'hl.sim.exec.order.forged', '{"type":"orderFilled"}'),
    );
    refused(user, 'send a control command (publish hl.sim.ctl.all)', () =>
      publishAck(user, 'hl.sim.ctl.all'),
    );
    refused(user, "read other identities' inboxes (subscribe _INBOX.>)", async () => {
      nc(user).subscribe('_INBOX.>');
      await nc(user).flush();
    });
    refused(user, "read execution's inbox (subscribe _INBOX_execution.>)", async () => {
      nc(user).subscribe('_INBOX_execution.>');
      await nc(user).flush();
    });
  }
  refused('ingestor', 'forge a signal (publish hl.sim.signal.x.BTC)', () =>
    publishAck('ingestor', 'hl.sim.signal.trend.BTC'),
  );
  refused('ingestor', "rewrite a strategy's snapshot (KV put hl_snapshots)", () =>
    publishAck('ingestor', '$KV.hl_snapshots.strategy_strategy-1'),
  );
  refused('ingestor', 'read MARKET through a consumer', () =>
    api('ingestor', '$JS.API.CONSUMER.CREATE.MARKET.x.hl.sim.md.>', {
      stream_name: 'MARKET',
      config: { name: 'x', filter_subject: 'hl.sim.md.>', ack_policy: AckPolicy.None },
    }),
  );
});

describe('strategy', () => {
  allowed('strategy', 'publish a signal to SIGNALS', () => publishAck('strategy', 'hl.sim.signal.trend.BTC'));
  allowed('strategy', 'dead-letter to its DLQ subject', () => publishAck('strategy', 'hl.sim.dlq.strategy'));
  allowed('strategy', 'consume and ack its MARKET durable', async () => {
    await publishAck('ingestor', 'hl.sim.md.trade.ETH');
    const c = await jetstream(nc('strategy')).consumers.get('MARKET', 'strategy_strategy-1_md');
    const m = await c.next({ expires: 2000 });
    expect(m).not.toBeNull();
    await m?.ackAck();
  });
  allowed('strategy', 'consume and ack its account durable on EXECUTION', async () => {
    await publishAck('execution', 'hl.sim.acct.fill.BTC');
    const c = await jetstream(nc('strategy')).consumers.get('EXECUTION', 'strategy_strategy-1_acct');
    const m = await c.next({ expires: 2000 });
    expect(m?.subject).toBe('hl.sim.acct.fill.BTC');
    await m?.ackAck();
  });
  allowed('strategy', 'replay MARKET with an ordered consumer (hl.*.md.>)', async () => {
    const c = await jetstream(nc('strategy')).consumers.get('MARKET', { filter_subjects: 'hl.sim.md.>' });
    expect(await c.next({ expires: 2000 })).not.toBeNull();
  });
  allowed('strategy', 'replay account events with an ordered consumer (hl.*.acct.>)', async () => {
    const c = await jetstream(nc('strategy')).consumers.get('EXECUTION', {
      filter_subjects: 'hl.sim.acct.>',
    });
    expect((await c.next({ expires: 2000 }))?.subject).toMatch(/acct/);
  });
  allowed('strategy', 'replay control history (ordered consumer on CONTROL)', async () => {
    await publishAck('operator', 'hl.sim.ctl.strategy');
    await (await jsm('strategy')).streams.info('CONTROL');
    const c = await jetstream(nc('strategy')).consumers.get('CONTROL', { filter_subjects: 'hl.sim.ctl.>' });
    expect((await c.next({ expires: 2000 }))?.subject).toMatch(/ctl/);
  });
  allowed('strategy', 'stream info of MARKET and EXECUTION', async () => {
    await (await jsm('strategy')).streams.info('MARKET');
    await (await jsm('strategy')).streams.info('EXECUTION');
  });
  allowed('strategy', 'save and load its snapshot (KV hl_snapshots strategy_<instance>)', async () => {
    const kv = await new Kvm(jetstream(nc('strategy'))).open('hl_snapshots');
    await kv.put('strategy_strategy-1', '{}');
    expect((await kv.get('strategy_strategy-1'))?.string()).toBe('{}');
  });
  refused('strategy', "write another instance's snapshot", () =>
    publishAck('strategy', '$KV.hl_snapshots.strategy_strategy-2'),
  );
  refused('strategy', 'debit the per-IP ledger (KV put hl_ratelimit)', () =>
    publishAck('strategy', '$KV.hl_ratelimit.ip.default'),
  );
  refused('strategy', 'read orders with an ordered consumer (hl.*.exec.>)', () =>
    jetstream(nc('strategy')).consumers.get('EXECUTION', { filter_subjects: 'hl.sim.exec.>' }),
  );
});

describe('execution', () => {
  allowed('execution', 'consume and ack its SIGNALS durable', async () => {
    await publishAck('strategy', 'hl.sim.signal.trend.ETH');
    const c = await jetstream(nc('execution')).consumers.get('SIGNALS', 'execution');
    const m = await c.next({ expires: 2000 });
    expect(m?.subject).toMatch(/signal/);
    await m?.ackAck();
  });
  allowed('execution', 'append to and read an order (event store)', async () => {
    const store = await createEventStore({ nc: nc('execution'), stream: 'EXECUTION', schema: Any });
    const { lastSeq } = await store.append('hl.sim.exec.order.perm1', [{ a: 1 }], {
      expectedLastSubjectSeq: 0,
    });
    const read = await store.read('hl.sim.exec.order.perm1');
    expect(read.lastSeq).toBe(lastSeq);
    expect(read.events).toHaveLength(1);
  });
  allowed('execution', 'get the last risk state (STREAM.MSG.GET EXECUTION)', async () => {
    await publishAck('execution', 'hl.sim.exec.risk');
    await (await jsm('execution')).streams.getMessage('EXECUTION', { last_by_subj: 'hl.sim.exec.risk' });
  });
  allowed('execution', 'publish fills (hl.sim.acct.fill.*)', () =>
    publishAck('execution', 'hl.sim.acct.fill.ETH'),
  );
  allowed('execution', 'hold and watch the signer lease (KV hl_leases nonce.*)', async () => {
    const bucket = await openLeaseBucket(nc('execution'), 'hl_leases');
    expect(bucket).toBeDefined();
    const kv = await new Kvm(jetstream(nc('execution'))).open('hl_leases');
    await kv.put('nonce.0xabc', '{"holder":"execution"}');
    expect((await kv.get('nonce.0xabc'))?.string()).toMatch(/execution/);
    const w = await kv.watch({ key: 'nonce.0xabc' });
    for await (const e of w) {
      expect(e.key).toBe('nonce.0xabc');
      break;
    }
    w.stop();
  });
  allowed('execution', 'debit the per-IP ledger (KV hl_ratelimit ip.*)', () =>
    publishAck('execution', '$KV.hl_ratelimit.ip.default'),
  );
  allowed('execution', 'answer lease presence between replicas (hl.lease.>)', async () => {
    const subject = 'hl.lease.hl_leases.nonce.0xabc.holder';
    const standby = await open('execution');
    nc('execution').subscribe(subject, {
      max: 1,
      callback: (_e, m) => {
        m.respond('leader');
      },
    });
    await nc('execution').flush();
    expect((await standby.request(subject, '', { timeout: 2000 })).string()).toBe('leader');
    await standby.close();
  });
  refused('execution', 'forge a signal (publish hl.sim.signal.x.BTC)', () =>
    publishAck('execution', 'hl.sim.signal.trend.BTC'),
  );
  refused('execution', "delete strategy's durable on EXECUTION", () =>
    api('execution', '$JS.API.CONSUMER.DELETE.EXECUTION.strategy_strategy-1_acct'),
  );
  refused('execution', "take strategy's account events (MSG.NEXT …strategy_strategy-1_acct)", () =>
    api('execution', '$JS.API.CONSUMER.MSG.NEXT.EXECUTION.strategy_strategy-1_acct', {
      batch: 1,
      no_wait: true,
    }),
  );
  refused('execution', 'update a stream (STREAM.UPDATE.EXECUTION)', () =>
    api('execution', '$JS.API.STREAM.UPDATE.EXECUTION', sourcingUpdate('execution')),
  );
  refused('execution', 'create a stream republishing to hl.sim.ctl.all', () =>
    api('execution', '$JS.API.STREAM.CREATE.EVIL_execution', republishStream('execution')),
  );
  refused('execution', "rewrite a strategy's snapshot (KV put hl_snapshots)", () =>
    publishAck('execution', '$KV.hl_snapshots.strategy_strategy-1'),
  );
  refused('execution', 'send a control command (publish hl.sim.ctl.all)', () =>
    publishAck('execution', 'hl.sim.ctl.all'),
  );
});

describe('operator', () => {
  allowed('operator', 'send a control command (CONTROL stream)', () =>
    publishAck('operator', 'hl.sim.ctl.all'),
  );
  allowed('operator', 'read any stream with an ordered consumer', async () => {
    for (const s of ['MARKET', 'SIGNALS', 'EXECUTION', 'CONTROL']) {
      const c = await jetstream(nc('operator')).consumers.get(s);
      expect(await c.next({ expires: 2000 }), s).not.toBeNull();
    }
  });
  allowed('operator', 'replay the last market events (hyperflow replay, as the CLI connects)', async () => {
    const cli = await connectCli({ url: nats.url, user: 'operator', pass: passwords.operator });
    try {
      const out = new PassThrough();
      const r = await replay({ nc: cli, subject: 'hl.sim.md.>', range: { last: 2 }, json: true, out });
      expect(r.count).toBe(2);
    } finally {
      await cli.close();
    }
  });
  allowed('operator', 'list streams and consumers', async () => {
    const m = await jsm('operator');
    await m.streams.names().next();
    await m.consumers.info('SIGNALS', 'execution');
  });
  refused('operator', 'update a stream (STREAM.UPDATE.EXECUTION)', () =>
    api('operator', '$JS.API.STREAM.UPDATE.EXECUTION', { name: 'EXECUTION', max_msgs: 1 }),
  );
  refused('operator', 'delete a stream (STREAM.DELETE.EXECUTION)', () =>
    api('operator', '$JS.API.STREAM.DELETE.EXECUTION'),
  );
  refused('operator', "take execution's signals (MSG.NEXT SIGNALS.execution)", () =>
    api('operator', '$JS.API.CONSUMER.MSG.NEXT.SIGNALS.execution', { batch: 1, no_wait: true }),
  );
  refused('operator', "delete execution's consumer", () =>
    api('operator', '$JS.API.CONSUMER.DELETE.SIGNALS.execution'),
  );
  refused('operator', 'take the signer lease (KV put hl_leases)', () =>
    publishAck('operator', '$KV.hl_leases.nonce.0xabc'),
  );
  refused('operator', 'forge an order event (publish hl.sim.exec.order.x)', () =>
    publishAck('operator', 'hl.sim.exec.order.forged'),
  );
});

describe("operator's legacy unnamed consumer create", () => {
  it("cannot name (and so replace) a service's durable: the server answers with an error", async () => {
    for (const config of [
      { durable_name: 'execution', filter_subject: 'hl.sim.signal.x', ack_policy: AckPolicy.None },
      { name: 'execution', filter_subject: 'hl.sim.signal.x', ack_policy: AckPolicy.None },
    ]) {
      for (const action of [undefined, 'update', 'create']) {
        const r = await api('operator', '$JS.API.CONSUMER.CREATE.SIGNALS', {
          stream_name: 'SIGNALS',
          config,
          ...(action === undefined ? {} : { action }),
        });
        expect(r.error, `${JSON.stringify(config)} ${action}`).toBeDefined();
      }
    }
    const ci = await (await jsm('operator')).consumers.info('SIGNALS', 'execution');
    expect(ci.config.ack_policy).toBe(AckPolicy.Explicit);
    expect(ci.config.ack_wait).toBe(30_000_000_000);
  });
});

describe('verify-only start check', () => {
  it('passes for every service identity once provisioned, and names what is missing otherwise', async () => {
    for (const u of ['ingestor', 'strategy', 'execution'] as const) {
      await verifyProvisioned(nc(u), u, { net: 'sim' });
    }
    // provisioned for sim, started for testnet: its durable filters the wrong network
    await expect(verifyProvisioned(nc('execution'), 'execution', { net: 'testnet' })).rejects.toThrow(
      /consumer execution on SIGNALS filters hl\.sim\.signal\.>, not hl\.testnet\.signal\.>.*Run the provisioner/,
    );
  });
});
