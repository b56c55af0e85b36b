import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { envBool, envInt, envList, envUrl } from './env.js';
import { loadConfig } from './load-config.js';

const Config = z.object({
  NATS_URL: envUrl({ protocols: ['nats', 'tls'] }),
  HL_PRIVATE_KEY: z.string().regex(/^0x[0-9a-f]{64}$/, 'expected 0x and 64 lowercase hex digits'),
  ORDER_TIMEOUT_MS: envInt({ min: 1 }).default(5_000),
  DRY_RUN: envBool().default(false),
  COINS: envList(),
});

const KEY = `0x${'ab'.repeat(32)}`;
const good = { NATS_URL: 'nats://127.0.0.1:4222', HL_PRIVATE_KEY: KEY, COINS: 'BTC, ETH,,@107' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses typed values, applies defaults, and freezes the result', () => {
    const config = loadConfig(Config, { ...good, DRY_RUN: 'true', PATH: '/usr/bin' });
    expect(config).toEqual({
      NATS_URL: 'nats://127.0.0.1:4222',
      HL_PRIVATE_KEY: KEY,
      ORDER_TIMEOUT_MS: 5_000,
      DRY_RUN: true,
      COINS: ['BTC', 'ETH', '@107'],
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.COINS)).toBe(true);
  });

  it('treats an empty variable as unset so the default applies', () => {
    expect(loadConfig(Config, { ...good, ORDER_TIMEOUT_MS: '' }).ORDER_TIMEOUT_MS).toBe(5_000);
  });

  it('names every bad and every missing variable with the reason', () => {
    const err = configError(() =>
      loadConfig(Config, { NATS_URL: 'http://x', ORDER_TIMEOUT_MS: '12ms', DRY_RUN: 'yes', COINS: ' , ' }),
    );
    expect(err.name).toBe('ConfigError');
    expect(err.issues.map((i) => i.variable).sort()).toEqual(
      ['COINS', 'DRY_RUN', 'HL_PRIVATE_KEY', 'NATS_URL', 'ORDER_TIMEOUT_MS'].sort(),
    );
    expect(err.message).toContain('HL_PRIVATE_KEY: missing');
    expect(err.message).toContain('ORDER_TIMEOUT_MS: expected an integer');
    expect(err.message).toContain('DRY_RUN: expected "true" or "false"');
    expect(err.message).toContain('NATS_URL: expected a URL with protocol nats or tls');
    expect(err.message).toContain('COINS: expected at least one item');
  });

  it('rejects out-of-range integers', () => {
    const err = configError(() => loadConfig(Config, { ...good, ORDER_TIMEOUT_MS: '0' }));
    expect(err.message).toContain('ORDER_TIMEOUT_MS: expected an integer >= 1');
  });

  it('never echoes a bad value, not even when a custom message quotes it', () => {
    const leaky = z.object({
      NATS_PASSWORD: z
        .string()
        .refine((s) => s.length >= 32, { error: (iss) => `too short: ${String(iss.input)}` }),
    });
    const password = 'hunter2-super-secret';
    const err = configError(() => loadConfig(leaky, { NATS_PASSWORD: password }));
    expect(err.message).toContain('NATS_PASSWORD: too short: <value hidden>');
    expect(err.message).not.toContain(password);
    expect(JSON.stringify(err.issues)).not.toContain(password);
    expect(err.cause).toBeUndefined();
  });

  it('does not echo a malformed private key', () => {
    const almostKey = `${KEY.toUpperCase().replace('0X', '0x')}`;
    const err = configError(() => loadConfig(Config, { ...good, HL_PRIVATE_KEY: almostKey }));
    expect(err.message).toContain('HL_PRIVATE_KEY: expected 0x and 64 lowercase hex digits');
    expect(err.message).not.toContain(almostKey);
    expect(err.stack ?? '').not.toContain(almostKey);
  });
});
