import { describe, expect, it } from 'vitest';
import { SimulatorConfig } from './config.js';

describe('SimulatorConfig', () => {
  it('given an empty environment, when parsed, then defaults apply', () => {
    const c = SimulatorConfig.parse({});
    expect(c).toMatchObject({
      SIM_PORT: 8787,
      SIM_SEED: 1,
      SIM_NETWORK: 'mainnet',
      SIM_ACCOUNTS: {},
      SIM_REPLAY_SPEED: 1,
    });
  });

  it('given accounts, agents and a max replay speed, when parsed, then they are structured', () => {
    const a = '0xAbC0000000000000000000000000000000000001';
    const b = '0x0000000000000000000000000000000000000002';
    const c = SimulatorConfig.parse({
      SIM_ACCOUNTS: `${a}=1000, ${b}=5`,
      SIM_AGENTS: `${b}=${a}`,
      SIM_REPLAY_SPEED: 'max',
    });
    expect(c.SIM_ACCOUNTS).toEqual({ [a.toLowerCase()]: '1000', [b]: '5' });
    expect(c.SIM_AGENTS).toEqual({ [b]: a });
    expect(c.SIM_REPLAY_SPEED).toBe(Number.POSITIVE_INFINITY);
  });

  it('given a bad account entry, when parsed, then the error names it', () => {
    const r = SimulatorConfig.safeParse({ SIM_ACCOUNTS: 'nope' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('bad entry "nope"');
  });
});
