import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { SCRUBBED_KEY } from './scrub.js';

const KEY = `0x${'4f'.repeat(32)}`;

function capture(redactPaths?: string[]) {
  const lines: string[] = [];
  const log = createLogger({
    service: 'test-svc',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
    ...(redactPaths ? { redactPaths } : {}),
  });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, records };
}

describe('createLogger', () => {
  it('writes JSON lines with the service field and the level', () => {
    const { log, records } = capture();
    log.info({ coin: 'BTC' }, 'order acked');
    expect(records()[0]).toMatchObject({ service: 'test-svc', level: 30, coin: 'BTC', msg: 'order acked' });
  });

  it('redacts secrets by path at the top level and nested, including custom paths', () => {
    const { log, lines, records } = capture(['venue.sessionId']);
    log.info(
      {
        privateKey: 'pk-top',
        signer: { privateKey: 'pk-nested' },
        config: { HL_PRIVATE_KEY: 'pk-env', NATS_CREDS: 'creds-env', NATS_PASSWORD: 'pw-env' },
        nats: { creds: 'creds-nested', token: 'tok-nested' },
        headers: { authorization: 'Bearer abc' },
        apiKey: 'api-top',
        password: 'pw-top',
        venue: { sessionId: 'sess-1', coin: 'ETH' },
      },
      'starting',
    );
    const out = lines.join('');
    for (const secret of [
      'pk-top',
      'pk-nested',
      'pk-env',
      'creds-env',
      'pw-env',
      'creds-nested',
      'tok-nested',
    ]) {
      expect(out).not.toContain(secret);
    }
    for (const secret of ['Bearer abc', 'api-top', 'pw-top', 'sess-1']) expect(out).not.toContain(secret);
    const rec = records()[0] as Record<string, Record<string, unknown>>;
    expect(rec.signer?.privateKey).toBe('[redacted]');
    expect(rec.venue).toEqual({ sessionId: '[redacted]', coin: 'ETH' });
  });

  it('scrubs hex private keys from messages, error messages, stacks and nested strings', () => {
    const { log, lines } = capture();
    const err = new Error(`signing failed for key ${KEY}`, { cause: new Error(`inner ${KEY}`) });
    log.error({ err }, 'sign failed');
    log.warn(`bad key ${KEY} in message`);
    log.info({ deep: { note: `k=${KEY};` } }, 'with %s', KEY);
    const out = lines.join('');
    expect(out).not.toContain(KEY.slice(2));
    expect(out.split(SCRUBBED_KEY).length - 1).toBeGreaterThanOrEqual(5);
  });

  it('keeps shorter hex values such as addresses', () => {
    const { log, lines } = capture();
    const address = `0x${'12'.repeat(20)}`;
    log.info({ address }, 'wallet');
    expect(lines.join('')).toContain(address);
  });
});
