import { LocalSigner, orderAction, signL1Action } from '@hyperflow/signing';
import { signL1Action as nktkasSignL1Action, PrivateKeySigner } from '@nktkas/hyperliquid/signing';
import { Wallet } from 'ethers';
import { type Result, timeUs } from '../report.js';

const N = 3000;

// the reference types actions as plain records; ours are precise types of the same JSON
const asRecord = (action: object) => action as Record<string, unknown>;

/** Signed orders per second: our fast path against @nktkas/hyperliquid and ethers signTypedData on the same orders. */
export async function signingSuite(): Promise<Result[]> {
  const key = Wallet.createRandom().privateKey;
  const ours = new LocalSigner(key);
  const wallet = new Wallet(key);
  const reference = new PrivateKeySigner(key);
  const build = (i: number) =>
    orderAction({
      orders: [
        {
          asset: 4,
          isBuy: i % 2 === 0,
          price: `1670.${i % 10}`,
          size: '0.0147',
          type: { kind: 'limit', tif: 'Alo' },
          cloid: `0x${i.toString(16).padStart(32, '0')}`,
        },
      ],
    });
  const nonce = (i: number) => 1_700_000_000_000 + i;

  // same bytes first: a faster signer that signs something else proves nothing
  const a = await signL1Action(ours, { action: build(7), nonce: nonce(7), network: 'mainnet' });
  const b = await nktkasSignL1Action({ wallet: reference, action: asRecord(build(7)), nonce: nonce(7) });
  if (a.signature.r !== b.r || a.signature.s !== b.s || a.signature.v !== b.v) {
    throw new Error('signing bench: our signature differs from @nktkas/hyperliquid on the same order');
  }

  const oursUs = await timeUs(
    (i) => signL1Action(ours, { action: build(i), nonce: nonce(i), network: 'mainnet' }),
    N,
  );
  const nkUs = await timeUs(
    (i) => nktkasSignL1Action({ wallet: reference, action: asRecord(build(i)), nonce: nonce(i) }),
    N,
  );
  const ethersUs = await timeUs(
    (i) => signL1Action(wallet, { action: build(i), nonce: nonce(i), network: 'mainnet' }),
    Math.round(N / 3),
  );
  const perSec = (us: number) => 1e6 / us;
  return [
    {
      suite: 'signing',
      name: 'signed orders/s (fast path)',
      value: perSec(oursUs),
      unit: 'orders/s',
      baseline: '@nktkas/hyperliquid 0.30 PrivateKeySigner',
      baselineValue: perSec(nkUs),
      ratio: nkUs / oursUs,
      target: '≥ 1× the reference',
      meetsTarget: oursUs <= nkUs,
    },
    {
      suite: 'signing',
      name: 'signed orders/s (fast path)',
      value: perSec(oursUs),
      unit: 'orders/s',
      baseline: 'ethers signTypedData',
      baselineValue: perSec(ethersUs),
      ratio: ethersUs / oursUs,
      target: '≥ 1× ethers',
      meetsTarget: oursUs <= ethersUs,
    },
  ];
}
