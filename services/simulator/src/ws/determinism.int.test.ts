import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { startSimulator } from '../simulator.js';
import { TestSocket } from '../test-support/ws-client.js';

const T0 = 1_760_000_000_000;
const SUBS = [
  { type: 'l2Book', coin: 'ETH' },
  { type: 'trades', coin: 'BTC' },
  { type: 'bbo', coin: 'SOL' },
  { type: 'candle', coin: 'BTC', interval: '1m' },
  { type: 'allMids' },
  { type: 'activeAssetCtx', coin: 'PURR/USDC' },
];

/** Runs one simulator for `ticks` manual steps and returns every frame text a client saw. */
async function record(seed: number, ticks: number): Promise<string[]> {
  const clock = new ManualClock(T0);
  const sim = await startSimulator({ seed, clock, tickMs: 0, bookIntervalMs: 500 });
  try {
    const s = await TestSocket.open(sim.wsUrl);
    for (const sub of SUBS) s.send({ method: 'subscribe', subscription: sub });
    await s.next((r) => r.text.includes('"activeSpotAssetCtx"'));
    for (let i = 0; i < ticks; i++) {
      clock.advance(100);
      sim.tick();
    }
    s.send({ method: 'ping' });
    await s.channel('pong');
    await s.close();
    return s.frames.map((f) => f.text);
  } finally {
    await sim.close();
  }
}

describe('determinism', () => {
  it('given the same seed and clock, when run twice, then the frames are byte-identical', async () => {
    const a = await record(11, 60);
    const b = await record(11, 60);
    expect(a.length).toBeGreaterThan(60);
    expect(a.some((f) => f.startsWith('{"channel":"trades"'))).toBe(true);
    expect(b).toEqual(a);
  });

  it('given another seed, when run, then the frames differ', async () => {
    expect(await record(12, 20)).not.toEqual(await record(11, 20));
  });
});
