import { describe, expect, it } from 'vitest';
import { normalizeFrame } from '../feed/normalize.js';
import { BOOK_DEPTH, MIXED_PROPORTIONS, mixedKinds, trafficFrames } from './bench-frames.js';

const ctx = { net: 'sim' as const, recvTsMs: 1_700_000_000_000.5 };

function normalizeAll(frames: readonly string[]) {
  return frames.map((f) => {
    const { channel, data } = JSON.parse(f) as { channel: string; data: unknown };
    const r = normalizeFrame(channel, data, ctx);
    if (!r.ok) throw new Error(`${channel}: ${r.problems.join('; ')}`);
    return r.events;
  });
}

describe('bench frames', () => {
  it('interleaves mixed kinds in the stated proportions, each cycle exact', () => {
    const kinds = mixedKinds(40);
    for (const cycle of [kinds.slice(0, 20), kinds.slice(20)]) {
      for (const [k, share] of Object.entries(MIXED_PROPORTIONS)) {
        expect(cycle.filter((x) => x === k)).toHaveLength(share);
      }
    }
    expect(() => mixedKinds(1, { trades: 0, l2Book: 0, bbo: 0, allMids: 0 })).toThrow(RangeError);
  });

  it('builds valid venue frames, one event each, every id distinct', () => {
    for (const traffic of ['trades', 'l2Book', 'mixed'] as const) {
      const { frames, counts } = trafficFrames(traffic, 60, 'BTC');
      const events = normalizeAll(frames);
      expect(events.every((e) => e.length === 1)).toBe(true);
      const ids = new Set(events.map((e) => e[0]?.id));
      expect(ids.size).toBe(60);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(60);
      if (traffic !== 'mixed') expect(counts[traffic]).toBe(60);
    }
  });

  it('gives l2Book frames a full book of BOOK_DEPTH levels per side', () => {
    const [events] = normalizeAll(trafficFrames('l2Book', 1, 'ETH').frames);
    const book = events?.[0];
    expect(book?.type).toBe('book');
    if (book?.type !== 'book') return;
    expect(book.bids).toHaveLength(BOOK_DEPTH);
    expect(book.asks).toHaveLength(BOOK_DEPTH);
  });
});
