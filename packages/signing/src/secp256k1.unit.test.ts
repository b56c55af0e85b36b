import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { orderAction } from './actions.js';
import { SigningError } from './errors.js';
import type { Hex } from './hex.js';
import {
  jsBackend,
  loadNativeSecp256k1,
  type NativeLoader,
  nativeBackend,
  type Secp256k1Native,
  type SigningLogger,
  selectSecp256k1Backend,
} from './secp256k1.js';
import { signL1Action } from './sign.js';
import { LocalSigner } from './signer.js';
import { NK_TEST_KEY, PY, PY_TEST_KEY } from './test-support/vectors.js';

interface Line {
  readonly level: 'info' | 'warn';
  readonly obj: object;
  readonly msg: string;
}

function recordingLog(): SigningLogger & { lines: Line[] } {
  const lines: Line[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
  };
}

const KEY = NK_TEST_KEY;
const KEY_BODY = KEY.slice(2).toLowerCase();

function leaksKey(text: string): boolean {
  const t = text.toLowerCase();
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

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

const order = orderAction({
  orders: [{ asset: 4, isBuy: true, price: '1670.1', size: '0.0147', type: { kind: 'limit', tif: 'Alo' } }],
});
const signOrder = (signer: LocalSigner) =>
  signL1Action(signer, {
    action: order,
    nonce: 1_700_000_000_000,
    network: 'mainnet',
    expiresAfter: 1_700_000_010_000,
  });

describe('selectSecp256k1Backend', () => {
  it('loads the native module here and says so once', () => {
    const log = recordingLog();
    const backend = selectSecp256k1Backend({ log });
    expect(backend.name).toBe('native');
    expect(log.lines).toEqual([
      { level: 'info', obj: { backend: 'native' }, msg: 'secp256k1: signing with native libsecp256k1' },
    ]);
  });

  it('falls back to the JS path when the module cannot load, warns once, and signs identically', async () => {
    const log = recordingLog();
    const failing: NativeLoader = () => {
      throw new Error('No native build was found for platform=linux arch=riscv64');
    };
    const backend = selectSecp256k1Backend({ log, load: failing });
    expect(backend).toBe(jsBackend);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'warn',
      obj: { backend: 'js', reason: 'No native build was found for platform=linux arch=riscv64' },
    });

    const fallback = new LocalSigner(KEY, { backend });
    const viaNative = new LocalSigner(KEY, { backend: selectSecp256k1Backend({ log: recordingLog() }) });
    expect(fallback.backend).toBe('js');
    expect(viaNative.backend).toBe('native');
    expect(JSON.stringify(await signOrder(fallback))).toBe(JSON.stringify(await signOrder(viaNative)));
  });

  it('refuses a module that loads but signs differently from ethers', () => {
    const real = loadNativeSecp256k1();
    const skewed: Secp256k1Native = {
      privateKeyVerify: (k) => real.privateKeyVerify(k),
      ecdsaSign: (m, k) => {
        const out = real.ecdsaSign(m, k);
        return { signature: out.signature, recid: out.recid ^ 1 };
      },
    };
    const log = recordingLog();
    expect(selectSecp256k1Backend({ log, load: () => skewed })).toBe(jsBackend);
    expect(log.lines).toEqual([
      {
        level: 'warn',
        obj: {
          backend: 'js',
          reason: 'the native module signed the self-test digests differently from ethers',
        },
        msg: 'secp256k1: native module unavailable, signing with the pure-JS path',
      },
    ]);
  });

  it('the default LocalSigner stays on the JS path', () => {
    expect(new LocalSigner(KEY).backend).toBe('js');
  });
});

describe('native backend', () => {
  const native = nativeBackend(loadNativeSecp256k1());

  it('signs the Python SDK vector digest exactly as ethers does', () => {
    const digest = PY.phantomAgentConnectionId as Hex;
    expect(native.keySigner(PY_TEST_KEY)(digest)).toEqual(jsBackend.keySigner(PY_TEST_KEY)(digest));
  });

  it('digests at and around the curve order sign as ethers does (libsecp256k1 alone differs from n on)', () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const sign = native.keySigner(KEY as Hex);
    const reference = jsBackend.keySigner(KEY as Hex);
    for (const d of [n - 2n, n - 1n, n, n + 1n, 2n ** 256n - 1n, 2n ** 248n * 0xffn]) {
      const digest = `0x${d.toString(16).padStart(64, '0')}` as Hex;
      expect(sign(digest), digest).toEqual(reference(digest));
    }
  });

  it('refuses a malformed digest with a clear error', () => {
    const sign = native.keySigner(KEY as Hex);
    for (const bad of ['0x1234', `0x${'zz'.repeat(32)}`, `${'ab'.repeat(32)}`]) {
      const err = caught(() => sign(bad as Hex));
      expect(err).toBeInstanceOf(SigningError);
      expect((err as SigningError).code).toBe('invalid-hex');
      expect((err as SigningError).message).toMatch(/^digest: expected 0x \+ 64 hex digits$/);
    }
  });

  it('an invalid key (the curve order) is refused by libsecp256k1 without echoing it', () => {
    const order: Hex = '0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
    const err = caught(() => native.keySigner(order));
    expect(err).toBeInstanceOf(SigningError);
    expect(everythingAbout(err)).not.toContain(order.slice(2, 40));
    expect(everythingAbout(err)).toMatch(/value not shown/);
  });

  it('an error raised inside the native module never carries the key out', () => {
    // a module whose failure describes the key: nothing of it may reach our error
    const chatty: Secp256k1Native = {
      privateKeyVerify: () => true,
      ecdsaSign: (_m, k) => {
        throw new Error(`cannot sign with ${Buffer.from(k).toString('hex')}`);
      },
    };
    const sign = nativeBackend(chatty).keySigner(KEY as Hex);
    const err = caught(() => sign(`0x${'11'.repeat(32)}`));
    expect(err).toBeInstanceOf(SigningError);
    expect((err as SigningError).code).toBe('signing-failed');
    expect(leaksKey(everythingAbout(err))).toBe(false);

    const verifyThrows: Secp256k1Native = {
      privateKeyVerify: (k) => {
        throw new Error(`bad key ${Buffer.from(k).toString('hex')}`);
      },
      ecdsaSign: () => ({ signature: new Uint8Array(64), recid: 0 }),
    };
    expect(leaksKey(everythingAbout(caught(() => nativeBackend(verifyThrows).keySigner(KEY as Hex))))).toBe(
      false,
    );
  });

  it('a malformed answer from the module is an error, not a signature', () => {
    const broken: Secp256k1Native = {
      privateKeyVerify: () => true,
      ecdsaSign: () => ({ signature: new Uint8Array(63), recid: 0 }),
    };
    const err = caught(() => nativeBackend(broken).keySigner(KEY as Hex)(`0x${'11'.repeat(32)}`));
    expect((err as SigningError).code).toBe('signing-failed');
  });

  it('a native LocalSigner shows no key in JSON, toString or inspect', () => {
    const signer = new LocalSigner(KEY, { backend: native });
    for (const text of [
      JSON.stringify(signer),
      String(signer),
      inspect(signer, { depth: 10, showHidden: true }),
      inspect({ signer }, { depth: 10, showHidden: true }),
    ]) {
      expect(leaksKey(text)).toBe(false);
    }
    expect(Object.keys(signer)).toEqual(['address']);
  });
});
