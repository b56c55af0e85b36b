import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import {
  approveAgentAction,
  approveBuilderFeeAction,
  batchModifyAction,
  cancelAction,
  cancelByCloidAction,
  type L1Action,
  modifyAction,
  noopAction,
  type OrderInput,
  orderAction,
  scheduleCancelAction,
  type UserSignedAction,
  updateIsolatedMarginAction,
  updateLeverageAction,
  usdSendAction,
  withdraw3Action,
} from './actions.js';
import { bytesToHex } from './hex.js';
import { l1ActionHash, l1ActionPreimage } from './l1.js';
import { signL1Action, signUserSignedAction } from './sign.js';
import { LocalSigner } from './signer.js';
import { sketchActionHash, sketchPreimage, sketchSignL1, sketchSignUser } from './test-support/doc-sketch.js';
import { NK_TEST_KEY } from './test-support/vectors.js';

// A broad table of actions: every builder, mainnet and testnet, with and without vault, with and
// without expiresAfter, batches of 1/40/80. Our preimage, hash and r/s/v must equal the doc's
// verified sketch (a different msgpack call path, ethers concat, ethers signTypedData).

const wallet = new Wallet(NK_TEST_KEY);
const signer = new LocalSigner(NK_TEST_KEY);
const VAULT = '0xABCDEF0123456789ABCDEF0123456789ABCDEF01';
const cloid = (i: number) => `0x${i.toString(16).padStart(32, '0')}`;

const limit = (i: number, tif: 'Gtc' | 'Ioc' | 'Alo' = 'Gtc'): OrderInput => ({
  asset: i % 3 === 0 ? 110_000 + i : i,
  isBuy: i % 2 === 0,
  price: `${1000 + i}.${i % 10}0`,
  size: `0.0${i + 1}`,
  reduceOnly: i % 5 === 4,
  type: { kind: 'limit', tif },
  ...(i % 2 === 1 ? { cloid: cloid(i) } : {}),
});

const trigger = (tpsl: 'tp' | 'sl', isMarket: boolean): OrderInput => ({
  asset: 4,
  isBuy: false,
  price: '1500.5',
  size: '0.5',
  reduceOnly: true,
  type: { kind: 'trigger', triggerPx: '1501.000', isMarket, tpsl },
});

const batch = (n: number) => orderAction({ orders: Array.from({ length: n }, (_, i) => limit(i)) });

const L1_TABLE: readonly (readonly [string, L1Action])[] = [
  ['order Gtc', orderAction({ orders: [limit(0)] })],
  ['order Ioc with cloid', orderAction({ orders: [limit(1, 'Ioc')] })],
  ['order Alo', orderAction({ orders: [limit(2, 'Alo')] })],
  ['order trigger tp limit', orderAction({ orders: [trigger('tp', false)] })],
  ['order trigger sl market', orderAction({ orders: [trigger('sl', true)] })],
  [
    'order normalTpsl',
    orderAction({ orders: [limit(1), trigger('tp', false), trigger('sl', true)], grouping: 'normalTpsl' }),
  ],
  [
    'order positionTpsl',
    orderAction({ orders: [trigger('tp', false), trigger('sl', true)], grouping: 'positionTpsl' }),
  ],
  ['order priority fee', orderAction({ orders: [limit(0, 'Ioc'), limit(1, 'Ioc')], grouping: { p: 12345 } })],
  ['order with builder', orderAction({ orders: [limit(0)], builder: { address: VAULT, fee: 10 } })],
  ['order batch of 1', batch(1)],
  ['order batch of 40', batch(40)],
  ['order batch of 80', batch(80)],
  [
    'cancel',
    cancelAction([
      { asset: 0, oid: 123456 },
      { asset: 110_000, oid: 2 ** 40 },
    ]),
  ],
  ['cancel fast', cancelAction([{ asset: 0, oid: 1 }], { fast: true })],
  ['cancelByCloid', cancelByCloidAction([{ asset: 0, cloid: cloid(1) }])],
  ['cancelByCloid fast', cancelByCloidAction([{ asset: 7, cloid: cloid(2) }], { fast: true })],
  ['modify by oid', modifyAction({ oid: 77738308, order: limit(0) })],
  ['modify by cloid, alwaysPlace', modifyAction({ oid: cloid(9), order: limit(1), alwaysPlace: true })],
  [
    'batchModify',
    batchModifyAction([
      { oid: 1, order: limit(0) },
      { oid: cloid(3), order: limit(3) },
    ]),
  ],
  ['batchModify alwaysPlace', batchModifyAction([{ oid: 1, order: limit(0) }], { alwaysPlace: true })],
  ['scheduleCancel clear', scheduleCancelAction()],
  ['scheduleCancel set', scheduleCancelAction({ time: 1_700_000_005_000 })],
  ['updateLeverage', updateLeverageAction({ asset: 0, isCross: false, leverage: 20 })],
  ['updateIsolatedMargin', updateIsolatedMarginAction({ asset: 3, isBuy: true, usd: '-1234.5' })],
  ['noop', noopAction()],
];

const VARIANTS = [
  ['plain', undefined, undefined],
  ['vault', VAULT, undefined],
  ['expiresAfter', undefined, 1_700_000_060_000],
  ['vault+expiresAfter', VAULT, 1_700_000_060_000],
] as const;

describe('L1 actions equal the doc-9 reference', () => {
  const nonce = 1_700_000_000_000;
  for (const [name, action] of L1_TABLE) {
    for (const [variant, vault, expiresAfter] of VARIANTS) {
      it(`${name} · ${variant}`, async () => {
        const input = {
          action,
          nonce,
          ...(vault === undefined ? {} : { vaultAddress: vault }),
          ...(expiresAfter === undefined ? {} : { expiresAfter }),
        };
        expect(bytesToHex(l1ActionPreimage(input))).toBe(
          sketchPreimage(action, nonce, vault?.toLowerCase(), expiresAfter),
        );
        expect(l1ActionHash(input)).toBe(sketchActionHash(action, nonce, vault?.toLowerCase(), expiresAfter));
        for (const network of ['mainnet', 'testnet'] as const) {
          const ours = await signL1Action(signer, { ...input, network });
          const ref = await sketchSignL1(wallet, action, nonce, network === 'mainnet', vault, expiresAfter);
          expect(ours.signature).toEqual(ref);
        }
      });
    }
  }
});

describe('user-signed actions equal ethers signTypedData over the doc-3.4 types', () => {
  const dest = '0x5e9ee1089755c3435139848e47e6635505d5a13a';
  const table: readonly UserSignedAction[] = (['mainnet', 'testnet'] as const).flatMap((network) => [
    usdSendAction({ network, destination: dest, amount: '1', time: 1 }),
    usdSendAction({ network, signatureChainId: '0xa4b1', destination: dest, amount: '0.000001', time: 2 }),
    withdraw3Action({ network, destination: dest, amount: '100.5', time: 3 }),
    approveAgentAction({ network, agentAddress: dest, nonce: 4 }),
    approveAgentAction({
      network,
      agentAddress: dest,
      agentName: 'hyperflow valid_until 1700000000000',
      nonce: 5,
    }),
    approveBuilderFeeAction({ network, maxFeeRate: '0.1%', builder: dest, nonce: 6 }),
  ]);
  for (const action of table) {
    it(`${action.type} · ${action.hyperliquidChain} · ${action.signatureChainId}`, async () => {
      const ours = await signUserSignedAction(signer, action);
      expect(ours.signature).toEqual(await sketchSignUser(wallet, { ...action }));
    });
  }
});
