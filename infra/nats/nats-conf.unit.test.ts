// The committed conf is the table's output, and the table covers every subject and service.
import { readdirSync, readFileSync } from 'node:fs';
import { IDENTITIES, natsConf, STREAM_NAMES } from '@hyperflow/bus';
import { subjects } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { NATS_USERS } from '../../packages/cli/src/stack/nats-server.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');

/** NATS subject matching: `*` one token, `>` the rest. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (s[i] === undefined || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

describe('infra/nats/nats.conf is generated from the identities table', () => {
  it('matches natsConf() byte for byte (regenerate with `npm run nats:conf`)', () => {
    expect(read('infra/nats/nats.conf')).toBe(natsConf());
  });

  it('stores no password: only bcrypt-hash variables', () => {
    const conf = read('infra/nats/nats.conf');
    const passwords = [...conf.matchAll(/password: (\S+)/g)].map((m) => m[1]);
    expect(passwords).toEqual(IDENTITIES.map((i) => `$NATS_${i.user.toUpperCase()}_PASSWORD_HASH`));
  });

  it('gives every stream subject of the contract exactly one publishing owner', () => {
    const s = subjects('sim');
    const published = [
      s.trade('BTC'),
      s.book('BTC'),
      s.bbo('BTC'),
      s.candle('1m', 'BTC'),
      s.ctx('BTC'),
      s.mids(),
      s.feedHealth('i1'),
      s.gap('i1'),
      s.signal('trend', 'BTC'),
      s.order('o1'),
      s.execution('risk'),
      s.execution('reconcile'),
      s.fill('BTC'),
      s.position('BTC'),
      s.balance(),
      s.control('all'),
      s.control('execution'),
      s.control('strategy'),
      s.dlq('ingestor'),
      s.dlq('strategy'),
      s.dlq('execution'),
    ];
    for (const subject of published) {
      const owners = IDENTITIES.filter((i) => i.publish.some((p) => matches(p, subject))).map((i) => i.user);
      expect(owners, subject).toHaveLength(1);
      // and it lands in a stream of the contract
      const captured = Object.values(STREAM_NAMES).filter((st) =>
        st.subjects.some((p) => matches(p, subject)),
      );
      expect(captured, subject).toHaveLength(1);
    }
    // a stream added to the contract needs an owner in the table too
    for (const st of Object.values(STREAM_NAMES)) {
      for (const p of st.subjects) {
        const sample = p.replace('*', 'sim').replace('>', st.name === 'DLQ' ? 'ingestor' : 'x');
        expect(
          IDENTITIES.some((i) => i.publish.some((q) => matches(q, sample))),
          `${st.name} ${p}`,
        ).toBe(true);
      }
    }
  });

  it('has an identity for every NATS-connected service and for each user the CLI starts', () => {
    const services = readdirSync(new URL('services/', root)).filter((d) =>
      /connectBus|NATS_URL/.test(read(`services/${d}/src/main.ts`)),
    );
    const users = IDENTITIES.map((i) => i.user);
    for (const svc of services) expect(users, svc).toContain(svc);
    expect(Object.keys(NATS_USERS).sort()).toEqual([...users].sort());
  });
});
