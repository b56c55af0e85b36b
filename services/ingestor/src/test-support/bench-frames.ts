// Raw venue WS frames for the ingest benchmark (services/ingestor/bench), shaped like the recorded
// mainnet frames: trades carry one trade each, l2Book a full snapshot of BOOK_DEPTH levels per side
// (bids then asks, best first), bbo a bid and an ask, allMids one mid per listed coin. Every frame
// gets its own venue time / content, so its derived event id is unique and nothing is de-duplicated.

export type FrameKind = 'trades' | 'l2Book' | 'bbo' | 'allMids';
export type Traffic = 'trades' | 'l2Book' | 'mixed';

/** levels per side of a realistic l2Book frame (the venue sends up to 20) */
export const BOOK_DEPTH = 20;
/** coins in an allMids frame (mainnet lists more; the 2023 recorded /info allMids has 28) */
export const MIDS_COINS = 150;
/**
 * Mixed traffic, per 20 frames: 8 trades, 6 bbo, 5 l2Book, 1 allMids. A choice, not a measurement:
 * on a liquid coin bbo and trades tick most, l2Book about every 0.5 s, allMids once for all coins.
 */
export const MIXED_PROPORTIONS: Readonly<Record<FrameKind, number>> = {
  trades: 8,
  bbo: 6,
  l2Book: 5,
  allMids: 1,
};

const T0 = 1_700_000_000_000;

export function tradeFrame(i: number, coin: string): string {
  return JSON.stringify({
    channel: 'trades',
    data: [
      {
        coin,
        side: i % 2 ? 'B' : 'A',
        px: `6999${i % 10}.0`,
        sz: '0.01500',
        hash: `0x${i.toString(16).padStart(64, '0')}`,
        time: T0 + i,
        tid: i,
        users: ['0x0000000000000000000000000000000000000001', '0x0000000000000000000000000000000000000002'],
      },
    ],
  });
}

export function bookFrame(i: number, coin: string, depth: number = BOOK_DEPTH): string {
  const mid = 70_000 + (i % 10);
  const level = (px: number, k: number) => ({
    px: `${px}.0`,
    sz: (0.01 + k * 0.37).toFixed(5),
    n: 1 + (k % 7),
  });
  return JSON.stringify({
    channel: 'l2Book',
    data: {
      coin,
      time: T0 + i,
      levels: [
        Array.from({ length: depth }, (_, k) => level(mid - 1 - k, k)),
        Array.from({ length: depth }, (_, k) => level(mid + 1 + k, k)),
      ],
    },
  });
}

export function bboFrame(i: number, coin: string): string {
  const mid = 70_000 + (i % 10);
  return JSON.stringify({
    channel: 'bbo',
    data: {
      coin,
      time: T0 + i,
      bbo: [
        { px: `${mid - 1}.0`, sz: '0.38111', n: 2 },
        { px: `${mid + 1}.0`, sz: '0.00714', n: 1 },
      ],
    },
  });
}

/** The first coin's mid carries `i`, so every frame's content (and its hashed id) differs. */
export function midsFrame(i: number, coin: string, coins: number = MIDS_COINS): string {
  const mids: Record<string, string> = { [coin]: `${70_000 + i}.5` };
  for (let k = 1; k < coins; k++) mids[`C${k}`] = `${(1 + k * 0.731).toFixed(4)}`;
  return JSON.stringify({ channel: 'allMids', data: { mids } });
}

/**
 * The kinds of n mixed frames, interleaved as evenly as the proportions allow (smooth weighted
 * round-robin), so every window of one cycle holds the proportions exactly.
 */
export function mixedKinds(
  n: number,
  proportions: Readonly<Record<FrameKind, number>> = MIXED_PROPORTIONS,
): FrameKind[] {
  const kinds = (Object.keys(proportions) as FrameKind[]).filter((k) => proportions[k] > 0);
  const total = kinds.reduce((a, k) => a + proportions[k], 0);
  if (kinds.length === 0 || total <= 0) throw new RangeError('mixedKinds: no positive proportion');
  const credit = new Map(kinds.map((k) => [k, 0]));
  const out: FrameKind[] = [];
  for (let i = 0; i < n; i++) {
    let best = kinds[0] as FrameKind;
    for (const k of kinds) {
      credit.set(k, (credit.get(k) ?? 0) + proportions[k]);
      if ((credit.get(k) ?? 0) > (credit.get(best) ?? 0)) best = k;
    }
    credit.set(best, (credit.get(best) ?? 0) - total);
    out.push(best);
  }
  return out;
}

/** n raw frames of one traffic kind for `coin`, and how many of each frame kind they hold. */
export function trafficFrames(
  traffic: Traffic,
  n: number,
  coin: string,
): { readonly frames: string[]; readonly counts: Record<FrameKind, number> } {
  const kinds: FrameKind[] = traffic === 'mixed' ? mixedKinds(n) : Array.from({ length: n }, () => traffic);
  const counts: Record<FrameKind, number> = { trades: 0, l2Book: 0, bbo: 0, allMids: 0 };
  const frames = kinds.map((k, i) => {
    counts[k]++;
    switch (k) {
      case 'trades':
        return tradeFrame(i, coin);
      case 'l2Book':
        return bookFrame(i, coin);
      case 'bbo':
        return bboFrame(i, coin);
      default:
        return midsFrame(i, coin);
    }
  });
  return { frames, counts };
}
