import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { jsBackend, loadNativeSecp256k1, nativeBackend } from '@hyperflow/signing';
import { describe, expect, it } from 'vitest';
import { ExecutionConfig } from '../config.js';
import { loadSigningKey } from './keys.js';

// a throwaway key, never funded anywhere
const KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const ADDRESS = '0x2c7536e3605d9c16a7a3d7b1898e529396a65c23';
const BARE = KEY.slice(2);

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a throw');
}

describe('signing key', () => {
  it('loads from a file (trailing newline ok) and from a value, to the same signer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exec-key-'));
    const file = join(dir, 'key');
    writeFileSync(file, `${KEY}\n`);
    expect(loadSigningKey({ file }).address).toBe(ADDRESS);
    expect(loadSigningKey({ value: BARE }).address).toBe(ADDRESS);
  });

  it('signs through the backend it is given (pure JS by default), to the same signature', () => {
    const digest = `0x${'ab'.repeat(32)}` as const;
    const js = loadSigningKey({ value: KEY });
    const native = loadSigningKey({ value: KEY }, nativeBackend(loadNativeSecp256k1()));
    expect(js.backend).toBe(jsBackend.name);
    expect(native.backend).toBe('native');
    expect(native.address).toBe(ADDRESS);
    expect(native.signDigest(digest)).toEqual(js.signDigest(digest));
  });

  it('the loaded signer shows only its address: JSON, string, inspect', () => {
    const s = loadSigningKey({ value: KEY });
    for (const shown of [JSON.stringify(s), String(s), inspect(s, { depth: 5, showHidden: true })]) {
      expect(shown.toLowerCase()).not.toContain(BARE);
    }
  });

  it('errors say where the key was expected, never what was there', () => {
    const almost = `${BARE.slice(0, 63)}z`;
    const e1 = caught(() => loadSigningKey({ value: almost }));
    expect(e1.message).toMatch(/key in EXEC_PRIVATE_KEY is not a valid secp256k1 private key/);
    expect(`${e1.message}${e1.stack}${String(e1.cause)}`).not.toContain(almost.slice(0, 40));
    const e2 = caught(() => loadSigningKey({ file: '/nonexistent/key' }));
    expect(e2.message).toBe('cannot read the key file /nonexistent/key (EXEC_PRIVATE_KEY_FILE) (ENOENT)');
    expect(() => loadSigningKey({})).toThrow(/no signing key/);
  });

  it('a config error names variables, never the key value', () => {
    const r = ExecutionConfig.safeParse({
      NATS_URL: 'nats://x:4222',
      EXEC_PRIVATE_KEY: KEY,
      HL_NETWORK: 'sim',
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain(BARE);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['HL_REST_URL']);
  });
});
