import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { orderAction, scheduleCancelAction, usdSendAction, withdraw3Action } from './actions.js';
import { l1ActionHash } from './l1.js';
import { loadNativeSecp256k1, nativeBackend } from './secp256k1.js';
import { signL1Action, signUserSignedAction } from './sign.js';
import { LocalSigner, type Signature, type Signer } from './signer.js';
import { NK, NK_TEST_KEY, PY, PY_TEST_KEY, type PySig } from './test-support/vectors.js';

// The SDKs' published vectors (doc 4 and 9 are VERIFIED against them). Every vector runs through
// each signer path: the fast digest path on ethers (JS) and on libsecp256k1 (native), and ethers' own
// signTypedData.

const native = nativeBackend(loadNativeSecp256k1());
const signers = (key: string): readonly (readonly [string, Signer])[] => [
  ['LocalSigner (digest fast path)', new LocalSigner(key)],
  ['LocalSigner (native libsecp256k1)', new LocalSigner(key, { backend: native })],
  ['ethers Wallet (signTypedData)', new Wallet(key)],
];

/** The Python SDK strips leading zeros from r/s, so compare as numbers. */
function expectSameAsPy(actual: Signature, expected: PySig): void {
  expect(BigInt(actual.r)).toBe(BigInt(expected.r));
  expect(BigInt(actual.s)).toBe(BigInt(expected.s));
  expect(actual.v).toBe(expected.v);
  expect(actual.r).toMatch(/^0x[0-9a-f]{64}$/);
  expect(actual.s).toMatch(/^0x[0-9a-f]{64}$/);
}

const pyOrder = (extra: { cloid?: string } = {}) =>
  orderAction({
    orders: [
      { asset: 1, isBuy: true, price: '100', size: '100', type: { kind: 'limit', tif: 'Gtc' }, ...extra },
    ],
  });

const nkOrder = orderAction({
  orders: [{ asset: 0, isBuy: true, price: '30000', size: '0.1', type: { kind: 'limit', tif: 'Gtc' } }],
});

describe('Python SDK vectors', () => {
  it('phantom agent connectionId of the production order matches', () => {
    const action = orderAction({
      orders: [
        { asset: 4, isBuy: true, price: '1670.1', size: '0.0147', type: { kind: 'limit', tif: 'Ioc' } },
      ],
    });
    expect(l1ActionHash({ action, nonce: 1677777606040 })).toBe(PY.phantomAgentConnectionId);
  });

  for (const [name, signer] of signers(PY_TEST_KEY)) {
    describe(name, () => {
      for (const network of ['mainnet', 'testnet'] as const) {
        it(`${network}: dummy action with a uint64 integer`, async () => {
          // float_to_int_for_hashing(1000) = 1000 × 1e8
          const action = { type: 'dummy', num: 100_000_000_000 };
          const req = await signL1Action(signer, { action, nonce: 0, network });
          expectSameAsPy(req.signature, PY.dummy[network]);
        });

        it(`${network}: dummy action for a vault`, async () => {
          const action = { type: 'dummy', num: 100_000_000_000 };
          const req = await signL1Action(signer, {
            action,
            nonce: 0,
            network,
            vaultAddress: PY.dummyWithVault.vault,
          });
          expectSameAsPy(req.signature, PY.dummyWithVault[network]);
          expect(req.vaultAddress).toBe(PY.dummyWithVault.vault);
        });

        it(`${network}: Gtc order`, async () => {
          const req = await signL1Action(signer, { action: pyOrder(), nonce: 0, network });
          expectSameAsPy(req.signature, PY.order[network]);
        });

        it(`${network}: order with cloid`, async () => {
          const action = pyOrder({ cloid: PY.orderWithCloid.cloid });
          const req = await signL1Action(signer, { action, nonce: 0, network });
          expectSameAsPy(req.signature, PY.orderWithCloid[network]);
        });

        it(`${network}: trigger (sl, market) order`, async () => {
          const action = orderAction({
            orders: [
              {
                asset: 1,
                isBuy: true,
                price: '100',
                size: '100',
                type: { kind: 'trigger', triggerPx: '103', isMarket: true, tpsl: 'sl' },
              },
            ],
          });
          const req = await signL1Action(signer, { action, nonce: 0, network });
          expectSameAsPy(req.signature, PY.tpslOrder[network]);
        });

        it(`${network}: createSubAccount and subAccountTransfer (raw L1 actions)`, async () => {
          const create = await signL1Action(signer, {
            action: { type: 'createSubAccount', name: 'example' },
            nonce: 0,
            network,
          });
          expectSameAsPy(create.signature, PY.createSubAccount[network]);
          const transfer = await signL1Action(signer, {
            action: PY.subAccountTransfer.action,
            nonce: 0,
            network,
          });
          expectSameAsPy(transfer.signature, PY.subAccountTransfer[network]);
        });

        it(`${network}: scheduleCancel without and with time`, async () => {
          const clear = await signL1Action(signer, { action: scheduleCancelAction(), nonce: 0, network });
          expectSameAsPy(clear.signature, PY.scheduleCancel[network]);
          const set = await signL1Action(signer, {
            action: scheduleCancelAction({ time: PY.scheduleCancelWithTime.time }),
            nonce: 0,
            network,
          });
          expectSameAsPy(set.signature, PY.scheduleCancelWithTime[network]);
        });
      }

      it('usdSend and withdraw3 (testnet, chain 0x66eee)', async () => {
        const { destination, amount, time } = PY.userSigned;
        const send = await signUserSignedAction(
          signer,
          usdSendAction({ network: 'testnet', destination, amount, time }),
        );
        expectSameAsPy(send.signature, PY.userSigned.usdSend);
        expect(send.nonce).toBe(time);
        const withdraw = await signUserSignedAction(
          signer,
          withdraw3Action({ network: 'testnet', destination, amount, time }),
        );
        expectSameAsPy(withdraw.signature, PY.userSigned.withdraw3);
      });
    });
  }
});

describe('@nktkas/hyperliquid vectors', () => {
  const base = { action: nkOrder, nonce: NK.nonce };
  const variants = {
    plain: {},
    vault: { vaultAddress: NK.vaultAddress },
    expires: { expiresAfter: NK.expiresAfter },
    vaultAndExpires: { vaultAddress: NK.vaultAddress, expiresAfter: NK.expiresAfter },
  } as const;

  for (const [variant, extra] of Object.entries(variants) as [keyof typeof variants, object][]) {
    it(`action hash: ${variant}`, () => {
      expect(l1ActionHash({ ...base, ...extra })).toBe(NK.actionHash[variant]);
    });
  }

  for (const [name, signer] of signers(NK_TEST_KEY)) {
    for (const network of ['mainnet', 'testnet'] as const) {
      for (const [variant, extra] of Object.entries(variants) as [keyof typeof variants, object][]) {
        it(`${name} ${network} ${variant}: r/s/v identical (32-byte padded)`, async () => {
          const req = await signL1Action(signer, { ...base, ...extra, network });
          expect(req.signature).toEqual(NK.signature[network][variant]);
        });
      }
    }

    it(`${name} usdSend mainnet`, async () => {
      const { destination, amount, time, signature } = NK.userSigned;
      const req = await signUserSignedAction(
        signer,
        usdSendAction({ network: 'mainnet', destination, amount, time }),
      );
      expect(req.signature).toEqual(signature);
    });
  }
});
