import { describe, expect, it } from 'vitest';
import { SigningError } from './errors.js';
import {
  NonceManager,
  nonceWindowStatus,
  VENUE_NONCE_MAX_AHEAD_MS,
  VENUE_NONCE_MAX_BEHIND_MS,
} from './nonce.js';

const A = '0x00000000000000000000000000000000000000aa';
const B = '0x00000000000000000000000000000000000000bb';
const T0 = 1_700_000_000_000;

/** A manual clock: tests move time explicitly, no timers. */
function manualClock(start = T0) {
  let now = start;
  return { clock: () => now, set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
}

describe('NonceManager', () => {
  it('uses the clock, and last+1 within the same millisecond', () => {
    const c = manualClock();
    const m = new NonceManager({ clock: c.clock });
    expect(m.next(A)).toBe(T0);
    expect(m.next(A)).toBe(T0 + 1);
    expect(m.next(A)).toBe(T0 + 2);
    c.advance(100);
    expect(m.next(A)).toBe(T0 + 100);
    expect(m.lastUsed(A)).toBe(T0 + 100);
  });

  it('never goes backwards when the clock does', () => {
    const c = manualClock();
    const m = new NonceManager({ clock: c.clock });
    expect(m.next(A)).toBe(T0);
    c.set(T0 - 5_000);
    expect(m.next(A)).toBe(T0 + 1);
  });

  it('keeps one sequence per signer, keyed case-insensitively', () => {
    const m = new NonceManager({ clock: manualClock().clock });
    expect(m.next(A)).toBe(T0);
    expect(m.next(B)).toBe(T0);
    expect(m.next(A.toUpperCase().replace('0X', '0x'))).toBe(T0 + 1);
    expect(() => m.next('not-an-address')).toThrow(/signer/);
  });

  it('10 000 concurrent async callers get unique, strictly increasing nonces', async () => {
    const m = new NonceManager({ clock: manualClock().clock });
    const drawn = await Promise.all(
      Array.from({ length: 10_000 }, async (_, i) => {
        await Promise.resolve(i);
        return m.next(A);
      }),
    );
    expect(new Set(drawn).size).toBe(10_000);
    for (let i = 1; i < drawn.length; i++) expect(drawn[i]).toBeGreaterThan(drawn[i - 1] ?? 0);
  });

  it('seed resumes after another process (lease hand-over) and never lowers the counter', () => {
    const m = new NonceManager({ clock: manualClock().clock });
    m.seed(A, T0 + 50);
    expect(m.next(A)).toBe(T0 + 51);
    m.seed(A, T0);
    expect(m.next(A)).toBe(T0 + 52);
    expect(() => m.seed(A, 1.5)).toThrow(SigningError);
    expect(m.lastUsed(B)).toBeUndefined();
  });

  it('refuses to run a counter ≥ 1 day (minus margin) ahead of the clock', () => {
    const m = new NonceManager({ clock: manualClock().clock, marginMs: 0 });
    m.seed(A, T0 + VENUE_NONCE_MAX_AHEAD_MS - 2);
    expect(m.next(A)).toBe(T0 + VENUE_NONCE_MAX_AHEAD_MS - 1);
    expect(() => m.next(A)).toThrow(expect.objectContaining({ code: 'nonce-window' }));
    // nothing was consumed by the refusal
    expect(m.lastUsed(A)).toBe(T0 + VENUE_NONCE_MAX_AHEAD_MS - 1);
  });

  it('refuses a broken clock', () => {
    for (const bad of [Number.NaN, 0, -1, 1.5]) {
      const m = new NonceManager({ clock: () => bad });
      expect(() => m.next(A)).toThrow(/clock returned/);
    }
  });

  it('once the venue time is known, refuses nonces outside (T − 2 days, T + 1 day)', () => {
    const c = manualClock();
    const margin = 60_000;
    // our clock is 1 day + 1 min ahead of the venue: nonces would be "too high"
    const fast = new NonceManager({ clock: c.clock, marginMs: margin });
    fast.observeVenueTime(T0 - VENUE_NONCE_MAX_AHEAD_MS);
    expect(() => fast.next(A)).toThrow(/too-high/);
    // 2 days behind: "too low"
    const slow = new NonceManager({ clock: c.clock, marginMs: margin });
    slow.observeVenueTime(T0 + VENUE_NONCE_MAX_BEHIND_MS);
    expect(() => slow.next(A)).toThrow(/too-low/);
    // a few seconds of skew is fine
    const ok = new NonceManager({ clock: c.clock, marginMs: margin });
    ok.observeVenueTime(T0 + 3_000);
    expect(ok.next(A)).toBe(T0);
    expect(() => ok.observeVenueTime(Number.NaN)).toThrow(SigningError);
  });
});

describe('nonceWindowStatus', () => {
  it('is open on both ends', () => {
    expect(nonceWindowStatus(T0, T0)).toBe('ok');
    expect(nonceWindowStatus(T0 - VENUE_NONCE_MAX_BEHIND_MS, T0)).toBe('too-low');
    expect(nonceWindowStatus(T0 - VENUE_NONCE_MAX_BEHIND_MS + 1, T0)).toBe('ok');
    expect(nonceWindowStatus(T0 + VENUE_NONCE_MAX_AHEAD_MS, T0)).toBe('too-high');
    expect(nonceWindowStatus(T0 + VENUE_NONCE_MAX_AHEAD_MS - 1, T0)).toBe('ok');
    expect(nonceWindowStatus(T0 + VENUE_NONCE_MAX_AHEAD_MS - 10, T0, 10)).toBe('too-high');
  });
});
