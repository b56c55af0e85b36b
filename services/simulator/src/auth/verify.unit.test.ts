import { encode } from '@msgpack/msgpack';
import { hexlify, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { canonicalAction, L1Action } from './actions.js';
import { actionHash, recoverL1Signer } from './verify.js';

// Vectors from the official Python SDK test suite (tests/signing_test.py), cited by the venue doc §4.
const KEY = '0x0123456789012345678901234567890123456789012345678901234567890123';
const ADDRESS = new Wallet(KEY).address.toLowerCase();
const ORDER_100 = {
  type: 'order',
  orders: [{ a: 1, b: true, p: '100', s: '100', r: false, t: { limit: { tif: 'Gtc' } } }],
  grouping: 'na',
};

describe('L1 verification', () => {
  it('given the SDK order vector, when hashing, then the phantom connectionId matches production', () => {
    const action = {
      type: 'order',
      orders: [{ a: 4, b: true, p: '1670.1', s: '0.0147', r: false, t: { limit: { tif: 'Ioc' } } }],
      grouping: 'na',
    };
    expect(actionHash(action, 1677777606040)).toBe(
      '0x0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908',
    );
  });

  it('given SDK signatures (r with a stripped leading zero), when recovering, then the key owner comes back', () => {
    const dummy = { type: 'dummy', num: 100_000_000_000 };
    const sig = {
      r: '0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298',
      s: '0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8',
      v: 27,
    };
    expect(recoverL1Signer({ action: dummy, nonce: 0, signature: sig }, true)).toBe(ADDRESS);
    const testnet = {
      r: '0x542af61ef1f429707e3c76c5293c80d01f74ef853e34b76efffcb57e574f9510',
      s: '0x17b8b32f086e8cdede991f1e2c529f5dd5297cbe8128500e00cbaf766204a613',
      v: 28,
    };
    expect(recoverL1Signer({ action: dummy, nonce: 0, signature: testnet }, false)).toBe(ADDRESS);
  });

  it('given the SDK order and vault vectors, when recovering, then the key owner comes back', () => {
    const order = {
      r: '0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e',
      s: '0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e',
      v: 28,
    };
    expect(recoverL1Signer({ action: ORDER_100, nonce: 0, signature: order }, true)).toBe(ADDRESS);
    const vault = {
      r: '0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239',
      s: '0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c',
      v: 28,
    };
    const signed = {
      action: { type: 'dummy', num: 100_000_000_000 },
      nonce: 0,
      signature: vault,
      vaultAddress: '0x1719884eb866cb12b2287399b15f7db5e7d775ea',
    };
    expect(recoverL1Signer(signed, true)).toBe(ADDRESS);
  });

  it('given the SDK trigger vector, when the action is canonicalized from JSON in another key order, then it still verifies', () => {
    const sent = {
      type: 'order',
      grouping: 'na',
      orders: [
        {
          t: { trigger: { tpsl: 'sl', triggerPx: '103.0', isMarket: true } },
          r: false,
          s: '100',
          p: '100',
          b: true,
          a: 1,
        },
      ],
    };
    const canonical = canonicalAction(L1Action.parse(sent));
    const sig = {
      r: '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9',
      s: '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405',
      v: 27,
    };
    expect(recoverL1Signer({ action: canonical, nonce: 0, signature: sig }, true)).toBe(ADDRESS);
  });

  it('given a price signed with a trailing zero, when the venue canonicalizes it, then a stranger is recovered', async () => {
    const wallet = new Wallet(KEY);
    const signedAction = { ...ORDER_100, orders: [{ ...ORDER_100.orders[0], p: '100.0' }] };
    const hex = await wallet.signTypedData(
      {
        name: 'Exchange',
        version: '1',
        chainId: 1337,
        verifyingContract: '0x0000000000000000000000000000000000000000',
      },
      {
        Agent: [
          { name: 'source', type: 'string' },
          { name: 'connectionId', type: 'bytes32' },
        ],
      },
      { source: 'a', connectionId: actionHash(signedAction, 0) },
    );
    const { r, s, v } = (await import('ethers')).Signature.from(hex);
    const canonical = canonicalAction(L1Action.parse(signedAction));
    const recovered = recoverL1Signer({ action: canonical, nonce: 0, signature: { r, s, v } }, true);
    expect(recovered).toMatch(/^0x[0-9a-f]{40}$/);
    expect(recovered).not.toBe(ADDRESS);
  });

  it('given msgpack, when encoding ints, then the smallest width is used (doc §4.3)', () => {
    expect(hexlify(encode(4))).toBe('0x04');
    expect(hexlify(encode(110000))).toBe('0xce0001adb0');
    expect(hexlify(encode(100000000000))).toBe('0xcf000000174876e800');
  });

  it('given false optional flags, when canonicalizing, then they are dropped', () => {
    const c = canonicalAction(L1Action.parse({ type: 'cancel', cancels: [{ a: 0, o: 1 }], f: false }));
    expect(c).toEqual({ type: 'cancel', cancels: [{ a: 0, o: 1 }] });
    expect(Object.keys(canonicalAction(L1Action.parse({ ...ORDER_100 })))).toEqual([
      'type',
      'orders',
      'grouping',
    ]);
  });
});
