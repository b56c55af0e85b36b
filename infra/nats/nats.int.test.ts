import { fileURLToPath } from 'node:url';
import { inboxPrefixFor, serverPasswordEnv } from '@hyperflow/bus';
import { type NatsHandle, startNatsBinary } from '@hyperflow/testkit';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const passwords = {
  NATS_INGESTOR_PASSWORD: 'pw-ingestor-0123456789',
  NATS_STRATEGY_PASSWORD: 'pw-strategy-0123456789',
  NATS_EXECUTION_PASSWORD: 'pw-execution-0123456789',
  NATS_OPERATOR_PASSWORD: 'pw-operator-0123456789',
  NATS_PROVISIONER_PASSWORD: 'pw-provisioner-0123456789',
};

let nats: NatsHandle;
beforeAll(async () => {
  nats = await startNatsBinary({
    configFile: fileURLToPath(new URL('./nats.conf', import.meta.url)),
    // the server holds bcrypt hashes only
    env: serverPasswordEnv(
      {
        ingestor: passwords.NATS_INGESTOR_PASSWORD,
        strategy: passwords.NATS_STRATEGY_PASSWORD,
        execution: passwords.NATS_EXECUTION_PASSWORD,
        operator: passwords.NATS_OPERATOR_PASSWORD,
        provisioner: passwords.NATS_PROVISIONER_PASSWORD,
      },
      4,
    ),
  });
});
afterAll(() => nats?.stop());

/** Publishes as `user` and reports whether the server refused it with a permissions violation. */
async function canPublish(user: keyof typeof users, subject: string): Promise<boolean> {
  const errors: string[] = [];
  const nc: NatsConnection = await connect({ servers: nats.url, user, pass: users[user], reconnect: false });
  const watch = (async () => {
    for await (const s of nc.status()) if (s.type === 'error') errors.push(String(s.error));
  })();
  nc.publish(subject, 'x');
  await nc.flush();
  await new Promise((r) => setTimeout(r, 50));
  await nc.close();
  await watch;
  return !errors.some((e) => /permissions violation/i.test(e));
}
const users = {
  ingestor: passwords.NATS_INGESTOR_PASSWORD,
  strategy: passwords.NATS_STRATEGY_PASSWORD,
  execution: passwords.NATS_EXECUTION_PASSWORD,
  operator: passwords.NATS_OPERATOR_PASSWORD,
};

describe('infra/nats/nats.conf: one user per service, publishing only its own subjects', () => {
  it.each([
    ['ingestor', 'hl.sim.md.trade.BTC', true],
    ['ingestor', 'hl.sim.signal.trend.BTC', false],
    ['strategy', 'hl.sim.signal.trend.BTC', true],
    ['strategy', 'hl.sim.md.trade.BTC', false],
    ['execution', 'hl.sim.exec.order.x', true],
    ['execution', 'hl.sim.acct.fill.BTC', true],
    ['execution', 'hl.sim.signal.trend.BTC', false],
    ['execution', 'hl.lease.hl_leases.nonce.0xabc.holder', true],
    ['strategy', 'hl.lease.hl_leases.nonce.0xabc.holder', false],
    ['operator', 'hl.sim.ctl.all', true],
    ['operator', 'hl.sim.exec.order.x', false],
  ] as const)('%s publishing %s: allowed=%s', async (user, subject, allowed) => {
    expect(await canPublish(user, subject)).toBe(allowed);
  });

  it('execution replicas can run the signer lease presence (leader answers, standby asks)', async () => {
    const subject = 'hl.lease.hl_leases.nonce.0xabc.holder';
    const opts = {
      servers: nats.url,
      user: 'execution',
      pass: users.execution,
      inboxPrefix: inboxPrefixFor('execution'),
      reconnect: false,
    };
    const leader = await connect(opts);
    const standby = await connect(opts);
    leader.subscribe(subject, {
      callback: (_err, msg) => {
        msg.respond('leader');
      },
    });
    await leader.flush();
    expect((await standby.request(subject, '', { timeout: 2000 })).string()).toBe('leader');
    await leader.close();
    // the leader's connection is gone: the server answers "no responders" at once
    await expect(standby.request(subject, '', { timeout: 2000 })).rejects.toThrow(/no responders/i);
    await standby.close();
  });

  it('refuses a wrong password', async () => {
    await expect(
      connect({ servers: nats.url, user: 'ingestor', pass: 'nope', reconnect: false }),
    ).rejects.toThrow(/authorization/i);
  });
});
