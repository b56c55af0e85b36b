import { describe, expect, it } from 'vitest';
import {
  classifyRefusal,
  minValueSpotText,
  postOnlyText,
  REFUSAL,
  REFUSALS,
  type RefusalKind,
  refusalKind,
  withAsset,
} from './table.js';

describe('refusal table', () => {
  it('given every known text, when classified bare or with an asset suffix, then it finds its own rule', () => {
    for (const rule of REFUSALS) {
      const bare = classifyRefusal(rule.prefix);
      expect(bare.name, rule.prefix).toBe(rule.name);
      const suffixed = classifyRefusal(withAsset(rule.prefix, 110_003));
      expect(suffixed.name, rule.prefix).toBe(rule.name);
      expect(suffixed.asset).toBe(110_003);
      expect(suffixed.bare).toBe(rule.prefix);
    }
  });

  it('given recorded venue answers, when classified, then the kind follows what the answer proves', () => {
    const cases: [string, RefusalKind][] = [
      ['Order must have minimum value of $10. asset=173', 'definitive-final'],
      ['Price must be divisible by tick size. asset=3', 'definitive-final'],
      ['Insufficient margin to place order. asset=750002', 'definitive-retryable'],
      ['Order was never placed, already canceled, or filled. asset=0', 'ambiguous'],
      [postOnlyText('1891.4', '1891.5'), 'definitive-retryable'],
      [withAsset(minValueSpotText('USDC'), 10_000), 'definitive-final'],
      ['Invalid nonce: duplicate nonce 1741107452532', 'ambiguous'],
      ['Invalid nonce: nonce too low 1 < 2', 'definitive-retryable'],
      [
        'Too many cumulative requests sent (97460 > 97456) for cumulative volume traded $87457.46. Place taker orders to free up 1 request per USDC traded.',
        'rate-limit',
      ],
      ['L1 error: User or API Wallet 0xabc does not exist.', 'definitive-final'],
      ['Cannot send more than 2000 messages per minute.', 'rate-limit'],
      ['too many pending post requests id=1234', 'rate-limit'],
      ['Cannot track more than 15 total users.', 'rate-limit'],
    ];
    for (const [text, kind] of cases) expect(refusalKind(text), text).toBe(kind);
  });

  it('given a text the table does not know, when classified, then it is ambiguous (fail closed)', () => {
    const r = classifyRefusal('Something new the venue says asset=4');
    expect(r).toEqual({
      text: 'Something new the venue says asset=4',
      bare: 'Something new the venue says',
      asset: 4,
      name: undefined,
      kind: 'ambiguous',
    });
  });

  it('given a prefix that starts another, when classified, then the longer (more specific) rule wins', () => {
    // "Order must have minimum value of 10 " must not be read as the perp "$10." text and back
    expect(classifyRefusal('Order must have minimum value of 10 PURR.').name).toBe('minValueSpot');
    expect(classifyRefusal(REFUSAL.minValuePerp).name).toBe('minValuePerp');
    const prefixes = REFUSALS.map((r) => r.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('given an asset-like text inside the message, when classified, then only a trailing suffix counts', () => {
    expect(classifyRefusal('too many pending post requests id=7').asset).toBeUndefined();
    expect(classifyRefusal('Order has zero size. asset=12x').asset).toBeUndefined();
  });
});
