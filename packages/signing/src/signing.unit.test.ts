import { Signature as EthersSignature, TypedDataEncoder, verifyTypedData, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  approveAgentAction,
  approveBuilderFeeAction,
  cancelAction,
  type OrderInput,
  orderAction,
  type UserSignedAction,
  usdClassTransferAction,
  usdSendAction,
  withdraw3Action,
} from './actions.js';
import { AGENT_TYPES, agentPayload, EXCHANGE_DOMAIN, userSignedPayload } from './eip712.js';
import { bytesToHex, type Hex } from './hex.js';
import { encodeAction, l1ActionHash, l1ActionPreimage } from './l1.js';
import { l1SigningPayload, signL1Action, signUserSignedAction } from './sign.js';
import { digestSignerFromWallet, LocalSigner, recoverSigner, toSignature } from './signer.js';
import { NK_TEST_KEY, PY_TEST_KEY } from './test-support/vectors.js';

const order = orderAction({
  orders: [{ asset: 0, isBuy: true, price: '30000', size: '0.1', type: { kind: 'limit', tif: 'Gtc' } }],
});
const vault = '0x1234567890123456789012345678901234567890';

describe('L1 preimage', () => {
  it('is msgpack ‖ u64be(nonce) ‖ 0x00 without vault or expiry', () => {
    const packed = bytesToHex(encodeAction(order)).slice(2);
    expect(bytesToHex(l1ActionPreimage({ action: order, nonce: 1234567890 }))).toBe(
      `0x${packed}00000000499602d200`,
    );
  });

  it('vault adds 0x01 ‖ 20 address bytes (lowercased); expiresAfter adds 0x00 ‖ u64be', () => {
    const packed = bytesToHex(encodeAction(order)).slice(2);
    const pre = bytesToHex(
      l1ActionPreimage({
        action: order,
        nonce: 2 ** 40,
        vaultAddress: vault.toUpperCase().replace('0X', '0x'),
        expiresAfter: 1700000000000,
      }),
    );
    expect(pre).toBe(
      `0x${packed}0000010000000000` +
        `01${vault.slice(2)}` +
        `00${(1700000000000).toString(16).padStart(16, '0')}`,
    );
  });

  it('vault and expiresAfter each change the hash, and so does the nonce', () => {
    const hashes = new Set([
      l1ActionHash({ action: order, nonce: 1 }),
      l1ActionHash({ action: order, nonce: 2 }),
      l1ActionHash({ action: order, nonce: 1, vaultAddress: vault }),
      l1ActionHash({ action: order, nonce: 1, expiresAfter: 10 }),
      l1ActionHash({ action: order, nonce: 1, expiresAfter: 11 }),
      l1ActionHash({ action: order, nonce: 1, vaultAddress: vault, expiresAfter: 10 }),
    ]);
    expect(hashes.size).toBe(6);
  });

  it('trailing zeros and key order change the hash (why builders normalise and order keys)', () => {
    const a = { type: 'order', p: '100' };
    expect(l1ActionHash({ action: a, nonce: 1 })).not.toBe(
      l1ActionHash({ action: { type: 'order', p: '100.0' }, nonce: 1 }),
    );
    expect(l1ActionHash({ action: a, nonce: 1 })).not.toBe(
      l1ActionHash({ action: { p: '100', type: 'order' }, nonce: 1 }),
    );
  });

  it('refuses floats, unsafe integers, null, undefined and bigint anywhere in the action', () => {
    const bad: readonly [object, RegExp][] = [
      [{ type: 'x', px: 1.5 }, /action\.px: 1\.5 is not a safe integer/],
      [{ type: 'x', n: 2 ** 53 }, /action\.n/],
      [{ type: 'x', deep: [{ c: null }] }, /action\.deep\[0\]\.c: null/],
      [{ type: 'x', c: undefined }, /action\.c: undefined/],
      [{ type: 'x', big: 1n }, /bigint/],
      [{ type: 'x', when: new Date(0) }, /action\.when: only plain objects/],
      [{ type: 'x', bytes: new Uint8Array([1]) }, /action\.bytes: only plain objects/],
      [{ type: 'x', m: new Map() }, /action\.m: only plain objects/],
    ];
    for (const [action, message] of bad) {
      expect(() => l1ActionHash({ action, nonce: 1 })).toThrow(message);
    }
    expect(() => l1ActionHash({ action: order, nonce: -1 })).toThrow(/nonce/);
    expect(() => l1ActionHash({ action: order, nonce: 1.5 })).toThrow(/nonce/);
    expect(() => l1ActionHash({ action: order, nonce: 1, expiresAfter: 1.5 })).toThrow(/expiresAfter/);
    expect(() => l1ActionHash({ action: order, nonce: 1, vaultAddress: '0x12' })).toThrow(/vaultAddress/);
  });
});

describe('EIP-712 precomputation equals ethers TypedDataEncoder', () => {
  it('Exchange domain separator', () => {
    const expected = TypedDataEncoder.hashDomain(EXCHANGE_DOMAIN);
    const connectionId = l1ActionHash({ action: order, nonce: 1 });
    for (const network of ['mainnet', 'testnet'] as const) {
      const p = agentPayload(connectionId, network);
      expect(p.digest).toBe(TypedDataEncoder.hash(EXCHANGE_DOMAIN, AGENT_TYPES, p.message));
      expect(p.domain).toEqual(EXCHANGE_DOMAIN);
    }
    expect(expected).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('mainnet ("a") and testnet ("b") give different digests', () => {
    const connectionId = l1ActionHash({ action: order, nonce: 1 });
    expect(agentPayload(connectionId, 'mainnet').message.source).toBe('a');
    expect(agentPayload(connectionId, 'testnet').message.source).toBe('b');
    expect(agentPayload(connectionId, 'mainnet').digest).not.toBe(
      agentPayload(connectionId, 'testnet').digest,
    );
  });

  const dest = '0x5e9ee1089755c3435139848e47e6635505d5a13a';
  const userActions: readonly UserSignedAction[] = [
    usdSendAction({ network: 'mainnet', destination: dest, amount: '1', time: 1 }),
    usdSendAction({
      network: 'testnet',
      signatureChainId: '0xa4b1',
      destination: dest,
      amount: '12.5',
      time: 2,
    }),
    withdraw3Action({ network: 'mainnet', signatureChainId: '0x1', destination: dest, amount: '3', time: 3 }),
    approveAgentAction({
      network: 'mainnet',
      agentAddress: dest,
      agentName: 'bot valid_until 1700000000000',
      nonce: 4,
    }),
    approveAgentAction({ network: 'testnet', agentAddress: dest, nonce: 5 }),
    approveBuilderFeeAction({ network: 'mainnet', maxFeeRate: '0.001%', builder: dest, nonce: 6 }),
    usdClassTransferAction({ network: 'mainnet', amount: '12.50', toPerp: true, nonce: 7 }),
    usdClassTransferAction({
      network: 'testnet',
      signatureChainId: '0xa4b1',
      amount: '3',
      toPerp: false,
      nonce: 8,
      subAccount: dest.toUpperCase().replace('0X', '0x'),
    }),
  ];

  for (const action of userActions) {
    it(`user-signed ${action.type} on ${action.hyperliquidChain} chain ${action.signatureChainId}`, () => {
      const p = userSignedPayload(action);
      expect(p.domain.chainId).toBe(Number.parseInt(action.signatureChainId, 16));
      expect(p.domain.name).toBe('HyperliquidSignTransaction');
      expect(p.types[p.primaryType]?.[0]).toEqual({ name: 'hyperliquidChain', type: 'string' });
      expect(p.message).not.toHaveProperty('type');
      expect(p.message).not.toHaveProperty('signatureChainId');
      expect(p.digest).toBe(TypedDataEncoder.hash(p.domain, p.types, p.message));
    });
  }

  it('the unnamed agent is signed with agentName ""', () => {
    const p = userSignedPayload(approveAgentAction({ network: 'mainnet', agentAddress: dest, nonce: 5 }));
    expect(p.message.agentName).toBe('');
  });

  it('usdClassTransfer signs the doc 3.4 typed data (amount, toPerp, nonce after hyperliquidChain)', async () => {
    const wallet = new Wallet(PY_TEST_KEY);
    const action = usdClassTransferAction({
      network: 'mainnet',
      amount: '1',
      toPerp: true,
      nonce: 1700000000000,
      subAccount: dest,
    });
    expect(action).toEqual({
      type: 'usdClassTransfer',
      signatureChainId: '0x66eee',
      hyperliquidChain: 'Mainnet',
      amount: `1 subaccount:${dest}`,
      toPerp: true,
      nonce: 1700000000000,
    });
    const req = await signUserSignedAction(new LocalSigner(PY_TEST_KEY), action);
    expect(req.nonce).toBe(1700000000000);
    // the reference: ethers signing the doc's field list, written out here by hand
    const reference = EthersSignature.from(
      await wallet.signTypedData(
        {
          name: 'HyperliquidSignTransaction',
          version: '1',
          chainId: 0x66eee,
          verifyingContract: '0x0000000000000000000000000000000000000000',
        },
        {
          'HyperliquidTransaction:UsdClassTransfer': [
            { name: 'hyperliquidChain', type: 'string' },
            { name: 'amount', type: 'string' },
            { name: 'toPerp', type: 'bool' },
            { name: 'nonce', type: 'uint64' },
          ],
        },
        { hyperliquidChain: 'Mainnet', amount: `1 subaccount:${dest}`, toPerp: true, nonce: 1700000000000 },
      ),
    );
    expect(req.signature).toEqual({ r: reference.r, s: reference.s, v: reference.v });
    expect(() => usdClassTransferAction({ network: 'mainnet', amount: '0', toPerp: true, nonce: 1 })).toThrow(
      /amount/,
    );
  });

  it('Mainnet and Testnet user-signed digests differ', () => {
    const m = userSignedPayload(
      usdSendAction({ network: 'mainnet', destination: dest, amount: '1', time: 1 }),
    );
    const t = userSignedPayload(
      usdSendAction({ network: 'testnet', destination: dest, amount: '1', time: 1 }),
    );
    expect(m.digest).not.toBe(t.digest);
  });
});

/** Deterministic PRNG (mulberry32) so the property test is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomOrder(rand: () => number): OrderInput {
  const int = (n: number) => Math.floor(rand() * n);
  const dec = () => `${int(100000)}${rand() < 0.7 ? `.${String(int(10 ** 6)).padStart(6, '0')}` : ''}`;
  const trigger = rand() < 0.3;
  return {
    asset: [0, 4, 150, 10_107, 110_000][int(5)] ?? 0,
    isBuy: rand() < 0.5,
    price: dec(),
    size: dec(),
    reduceOnly: trigger || rand() < 0.2,
    type: trigger
      ? { kind: 'trigger', triggerPx: dec(), isMarket: rand() < 0.5, tpsl: rand() < 0.5 ? 'tp' : 'sl' }
      : { kind: 'limit', tif: (['Gtc', 'Ioc', 'Alo'] as const)[int(3)] ?? 'Gtc' },
    ...(rand() < 0.5
      ? { cloid: `0x${Array.from({ length: 32 }, () => int(16).toString(16)).join('')}` }
      : {}),
  };
}

describe('signers', () => {
  const wallet = new Wallet(NK_TEST_KEY);
  const local = new LocalSigner(NK_TEST_KEY);
  const fromWallet = digestSignerFromWallet(wallet);

  it('LocalSigner address is the wallet address, lowercase', () => {
    expect(local.address).toBe(wallet.address.toLowerCase());
    expect(fromWallet.address).toBe(wallet.address.toLowerCase());
  });

  it('property: for random orders the fast path is byte-identical to ethers signTypedData, recovers to the signer, and the request survives JSON', async () => {
    const rand = prng(42);
    for (let i = 0; i < 60; i++) {
      const n = 1 + Math.floor(rand() * 3);
      const action = orderAction({ orders: Array.from({ length: n }, () => randomOrder(rand)) });
      const network = rand() < 0.5 ? 'mainnet' : 'testnet';
      const input = {
        action,
        nonce: 1_700_000_000_000 + i,
        network,
        ...(rand() < 0.5 ? { vaultAddress: vault } : {}),
        ...(rand() < 0.5 ? { expiresAfter: 1_700_000_060_000 + i } : {}),
      } as const;

      const fast = await signL1Action(local, input);
      const viaWallet = await signL1Action(fromWallet, input);
      const payload = l1SigningPayload(input);
      const typed = EthersSignature.from(
        await wallet.signTypedData(EXCHANGE_DOMAIN, AGENT_TYPES, payload.message),
      );
      expect(fast.signature).toEqual({ r: typed.r, s: typed.s, v: typed.v });
      expect(viaWallet.signature).toEqual(fast.signature);

      const recovered = verifyTypedData(EXCHANGE_DOMAIN, AGENT_TYPES, payload.message, fast.signature);
      expect(recovered).toBe(wallet.address);
      expect(recoverSigner(payload.digest, fast.signature)).toBe(local.address);

      const roundTripped = JSON.parse(JSON.stringify(fast));
      expect(roundTripped).toEqual(fast);
      // the venue re-derives the hash from the parsed JSON: it must be the same hash
      expect(l1ActionHash({ ...input, action: roundTripped.action })).toBe(payload.connectionId);
    }
  });

  it('user-signed: verifyTypedData recovers the signer; fast path equals signTypedData', async () => {
    const action = usdSendAction({
      network: 'mainnet',
      signatureChainId: '0xa4b1',
      destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a',
      amount: '10.25',
      time: 1_700_000_000_000,
    });
    const fast = await signUserSignedAction(local, action);
    const typed = await signUserSignedAction(wallet, action);
    expect(fast).toEqual(typed);
    expect(fast.nonce).toBe(action.time);
    expect(fast).not.toHaveProperty('vaultAddress');
    expect(fast).not.toHaveProperty('expiresAfter');
    const p = userSignedPayload(action);
    expect(verifyTypedData(p.domain, p.types, p.message, fast.signature)).toBe(wallet.address);
  });

  it('an agent wallet signs for a vault: the agent is recovered, the vault rides in the hash and the body', async () => {
    const agent = new LocalSigner(PY_TEST_KEY);
    const input = {
      action: cancelAction([{ asset: 1, oid: 2 }], { fast: true }),
      nonce: 5,
      network: 'mainnet' as const,
    };
    const own = await signL1Action(agent, input);
    const forVault = await signL1Action(agent, { ...input, vaultAddress: vault });
    expect(forVault.signature).not.toEqual(own.signature);
    expect(forVault.vaultAddress).toBe(vault);
    expect(own).not.toHaveProperty('vaultAddress');
    const payload = l1SigningPayload({ ...input, vaultAddress: vault });
    expect(recoverSigner(payload.digest, forVault.signature)).toBe(agent.address);
  });

  it('request body: optional keys absent, expiresAfter echoed when set', async () => {
    const req = await signL1Action(local, { action: order, nonce: 7, network: 'testnet', expiresAfter: 99 });
    expect(Object.keys(req)).toEqual(['action', 'nonce', 'signature', 'expiresAfter']);
    expect(req.signature.r).toMatch(/^0x[0-9a-f]{64}$/);
    expect([27, 28]).toContain(req.signature.v);
  });

  it('a typed-data signer that returns garbage is refused', async () => {
    const broken = { address: local.address, signTypedData: async () => '0x1234' };
    await expect(signL1Action(broken, { action: order, nonce: 1, network: 'mainnet' })).rejects.toThrow(
      /malformed signature/,
    );
  });

  it('toSignature normalises 65-byte hex, v 0/1 and uppercase r/s', () => {
    const digest = agentPayload(l1ActionHash({ action: order, nonce: 3 }), 'testnet').digest;
    const sig = local.signDigest(digest);
    const serialized = EthersSignature.from(sig).serialized;
    expect(toSignature(serialized)).toEqual(sig);
    expect(toSignature({ r: sig.r.toUpperCase().replace('0X', '0x'), s: sig.s, v: sig.v - 27 })).toEqual(sig);
    expect(() => toSignature({ r: '0xnothex', s: sig.s, v: 27 })).toThrow(/malformed/);
    // a short r (leading zeros stripped, as the Python SDK prints it) is padded back
    expect(toSignature({ r: '0x1', s: sig.s, v: 27 }).r).toBe(`0x${'0'.repeat(63)}1`);
  });

  it('recoverSigner works from a digest alone', () => {
    const digest = agentPayload(l1ActionHash({ action: order, nonce: 1 }), 'mainnet').digest;
    const sig = local.signDigest(digest);
    expect(recoverSigner(digest as Hex, sig)).toBe(local.address);
  });
});
