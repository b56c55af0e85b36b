import { parseEnv } from '@hyperflow/service';
import { describe, expect, it } from 'vitest';
import { StrategyServiceConfig } from './config.js';

describe('strategy service config', () => {
  it('given the minimum env, applies the defaults', () => {
    const r = parseEnv(StrategyServiceConfig, {
      NATS_URL: 'nats://127.0.0.1:4222',
      STRATEGIES_FILE: 's.json',
    });
    expect(r.ok && r.config).toMatchObject({
      HL_NETWORK: 'sim',
      SUBJECT_ROOT: 'hl',
      INSTANCE_ID: 'strategy-1',
      REPLAY_LOOKBACK_MS: 21_600_000,
      SIGNAL_MAX_LAG_MS: 10_000,
      ACCOUNT_EVENTS: true,
      SNAPSHOT_EVERY_EVENTS: 10_000,
    });
  });
  it('given both or neither strategies source, names the variable', () => {
    for (const env of [
      { NATS_URL: 'nats://x:4222' },
      { NATS_URL: 'nats://x:4222', STRATEGIES_FILE: 'a', STRATEGIES_JSON: '{}' },
    ]) {
      const r = parseEnv(StrategyServiceConfig, env);
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).toContain('STRATEGIES_FILE');
    }
  });
  it('given STRATEGIES_JSON that is not JSON, names the variable', () => {
    const r = parseEnv(StrategyServiceConfig, {
      NATS_URL: 'nats://x:4222',
      STRATEGIES_JSON: '{"strategies": [',
    });
    expect(r).toEqual({
      ok: false,
      issues: [
        {
          variable: 'STRATEGIES_JSON',
          reason: 'expected a JSON strategies document (it does not parse as JSON)',
        },
      ],
    });
  });
  it('given a bad instance id, refuses it', () => {
    const r = parseEnv(StrategyServiceConfig, {
      NATS_URL: 'nats://x:4222',
      STRATEGIES_JSON: '{}',
      INSTANCE_ID: 'a.b',
    });
    expect(r.ok).toBe(false);
  });
});
