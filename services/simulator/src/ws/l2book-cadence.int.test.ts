import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { isChannel, TestSocket, waitFor } from '../test-support/ws-client.js';

const clock = new ManualClock(1_700_000_000_000);
let sim: SimulatorHandle;

beforeAll(async () => {
  // the caller drives time: every step is 100 ms of venue time
  sim = await startSimulator({ seed: 4, tickMs: 0, clock });
});
afterAll(async () => {
  await sim.close();
});

interface Book {
  time: number;
  levels: [unknown[], unknown[]];
}

describe('l2Book cadence of 2026', () => {
  it('given a plain and a fast l2Book, when 10 s pass, then plain pushes at most every 5 s and fast every 0.5 s with 5 levels', async () => {
    const plain = await TestSocket.open(sim.wsUrl);
    const fast = await TestSocket.open(sim.wsUrl);
    plain.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'ETH' } });
    fast.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'ETH', fast: true } });
    await plain.channel('l2Book');
    await fast.channel('l2Book');
    for (let i = 0; i < 100; i++) {
      clock.advance(100);
      sim.tick();
    }
    const books = (s: TestSocket) =>
      s.frames.filter(isChannel('l2Book')).map((f) => (f.json as { data: Book }).data);
    await waitFor(() => books(plain).length >= 3 && books(fast).length >= 21);
    const gaps = (b: Book[]) => b.slice(1).map((x, i) => x.time - (b[i] as Book).time);
    expect(books(plain)).toHaveLength(3);
    expect(gaps(books(plain))).toEqual([5_000, 5_000]);
    for (const b of books(plain)) expect(b.levels[0]).toHaveLength(20);
    expect(books(fast)).toHaveLength(21);
    expect(new Set(gaps(books(fast)))).toEqual(new Set([500]));
    for (const b of books(fast)) {
      expect(b.levels[0]).toHaveLength(5);
      expect(b.levels[1]).toHaveLength(5);
    }
    plain.ws.close();
    fast.ws.close();
  });
});
