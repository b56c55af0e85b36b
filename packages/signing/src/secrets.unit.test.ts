import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { orderAction } from './actions.js';
import { SigningError } from './errors.js';
import { signL1Action } from './sign.js';
import { digestSignerFromWallet, LocalSigner } from './signer.js';
import { NK_TEST_KEY } from './test-support/vectors.js';

// A private key must never reach an error message, a log line, JSON or inspect output.
const KEY = NK_TEST_KEY;
const KEY_BODY = KEY.slice(2).toLowerCase();

function leaks(text: string): boolean {
  const t = text.toLowerCase();
  // any 16-hex-char window of the key is enough to call it a leak
  for (let i = 0; i + 16 <= KEY_BODY.length; i += 8) if (t.includes(KEY_BODY.slice(i, i + 16))) return true;
  return false;
}

function everythingAbout(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(String(e), inspect(e, { depth: 5, showHidden: true }), JSON.stringify(e) ?? '');
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

describe('no key material escapes', () => {
  const signer = new LocalSigner(KEY);

  it('JSON, toString, inspect and template strings show the address only', () => {
    for (const text of [
      JSON.stringify(signer),
      JSON.stringify({ nested: { signer } }),
      String(signer),
      `${signer}`,
      inspect(signer, { depth: 10, showHidden: true }),
      inspect({ signer }, { depth: 10, showHidden: true }),
    ]) {
      expect(leaks(text)).toBe(false);
      expect(text).toContain(signer.address);
    }
    expect(Object.keys(signer)).toEqual(['address']);
  });

  it('the wallet adapter exposes no key either', () => {
    const adapted = digestSignerFromWallet({
      address: signer.address,
      signingKey: { sign: (d: string) => signer.signDigest(d as `0x${string}`) },
    });
    expect(leaks(JSON.stringify(adapted))).toBe(false);
    expect(leaks(inspect(adapted, { depth: 10, showHidden: true }))).toBe(false);
  });

  it('a signed request carries no key', async () => {
    const action = orderAction({
      orders: [{ asset: 0, isBuy: true, price: '1', size: '1', type: { kind: 'limit', tif: 'Gtc' } }],
    });
    const req = await signL1Action(signer, { action, nonce: 1, network: 'mainnet' });
    expect(leaks(JSON.stringify(req))).toBe(false);
  });

  it.each([
    ['too short', KEY.slice(0, 40)],
    ['too long', `${KEY}00`],
    ['not hex', `${KEY.slice(0, 60)}zzzz`],
    ['zero key (invalid scalar)', `0x${'0'.repeat(64)}`],
    ['key ≥ curve order', `0x${'f'.repeat(64)}`],
  ])('an invalid key (%s) fails without echoing it', (_, bad) => {
    let caught: unknown;
    try {
      new LocalSigner(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SigningError);
    const text = everythingAbout(caught);
    expect(text.toLowerCase()).not.toContain(bad.slice(2, 34).toLowerCase());
    expect(text).toMatch(/value not shown/);
  });

  it('a nearly-valid key (one digit off) fails without echoing it', () => {
    const bad = `${KEY.slice(0, 65)}`;
    expect(() => new LocalSigner(bad)).toThrow(SigningError);
    try {
      new LocalSigner(bad);
    } catch (err) {
      expect(leaks(everythingAbout(err))).toBe(false);
    }
  });
});
