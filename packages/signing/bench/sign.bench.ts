// Signed orders per second against @nktkas/hyperliquid and ethers, and the per-order cost split.
// Run alone: npm run bench -w @hyperflow/signing (BENCH_SIZE=small for a quick check).
import { type Result, runBench, type Suite, sized } from '@hyperflow/bench';
import { signL1Action as nktkasSignL1Action, PrivateKeySigner } from '@nktkas/hyperliquid/signing';
import { Wallet } from 'ethers';
import {
  agentPayload,
  encodeAction,
  jsBackend,
  LocalSigner,
  l1ActionHash,
  loadNativeSecp256k1,
  nativeBackend,
  orderAction,
  signL1Action,
} from '../src/index.js';

const N = sized(3000, 300);
// the machine is shared: interleave the contenders in rounds so a burst of load hits them alike
const ROUNDS = 10;
const WARMUP = sized(300, 50);

// the reference types actions as plain records; ours are precise types of the same JSON
const asRecord = (action: object) => action as Record<string, unknown>;

type Contender = (i: number) => Promise<unknown>;

/** µs per call of each contender, measured in interleaved rounds over the same inputs. */
async function interleaved(contenders: readonly Contender[], n: number): Promise<number[]> {
  for (const fn of contenders) for (let i = 0; i < WARMUP; i++) await fn(i);
  const totalNs = contenders.map(() => 0n);
  const per = Math.ceil(n / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [c, fn] of contenders.entries()) {
      const t0 = process.hrtime.bigint();
      for (let i = r * per; i < (r + 1) * per; i++) await fn(i);
      totalNs[c] = (totalNs[c] as bigint) + (process.hrtime.bigint() - t0);
    }
  }
  return totalNs.map((ns) => Number(ns) / 1000 / (per * ROUNDS));
}

/**
 * Signed orders per second: our fast path on native libsecp256k1 and on ethers' pure-JS
 * secp256k1, against @nktkas/hyperliquid and ethers signTypedData, on the same orders in one run.
 */
async function signing(): Promise<Result[]> {
  const key = Wallet.createRandom().privateKey;
  // throws when the native module cannot load: a "native" figure measured on the JS path would lie
  const native = new LocalSigner(key, { backend: nativeBackend(loadNativeSecp256k1()) });
  const js = new LocalSigner(key, { backend: jsBackend });
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
  const ours = (signer: LocalSigner | Wallet) => (i: number) =>
    signL1Action(signer, { action: build(i), nonce: nonce(i), network: 'mainnet' });
  const nktkas = (i: number) =>
    nktkasSignL1Action({ wallet: reference, action: asRecord(build(i)), nonce: nonce(i) });

  // same bytes first: a faster signer that signs something else proves nothing
  for (const i of [0, 7, 8]) {
    const b = await nktkas(i);
    for (const [name, signer] of [
      ['native', native],
      ['js', js],
      ['ethers signTypedData', wallet],
    ] as const) {
      const a = (await ours(signer)(i)).signature;
      if (a.r !== b.r || a.s !== b.s || a.v !== b.v) {
        throw new Error(
          `signing bench: the ${name} signature differs from @nktkas/hyperliquid on order ${i}`,
        );
      }
    }
  }

  const [nativeUs, jsUs, nkUs, typedUs] = (await interleaved(
    [ours(native), ours(js), nktkas, ours(wallet)],
    N,
  )) as [number, number, number, number];
  const perSec = (us: number) => 1e6 / us;
  const split = costSplit(native, js, build);
  const nkName = '@nktkas/hyperliquid 0.30 PrivateKeySigner';
  return [
    {
      suite: 'signing',
      name: 'signed orders/s (fast path, native libsecp256k1)',
      value: perSec(nativeUs),
      unit: 'orders/s',
      baseline: nkName,
      baselineValue: perSec(nkUs),
      ratio: nkUs / nativeUs,
      target: '≥ 5× the reference',
      meetsTarget: nkUs / nativeUs >= 5,
      issue: 16,
      detail: {
        title: 'Signing: per-order cost, same orders, interleaved rounds',
        note: `${N} one-order L1 actions each (build, msgpack, action hash, phantom-agent digest, sign) in ${ROUNDS} interleaved rounds; the native module's own signature costs about a sixth of ethers'.`,
        header: ['signer', 'µs/order', 'orders/s', 'vs @nktkas'],
        rows: [
          ['fast path, native libsecp256k1', nativeUs, nkUs],
          ['fast path, pure-JS (ethers SigningKey)', jsUs, nkUs],
          [nkName, nkUs, nkUs],
          ['ethers signTypedData', typedUs, nkUs],
        ].map(([name, us, base]) => [
          name as string,
          (us as number).toFixed(1),
          Math.round(perSec(us as number)).toLocaleString('en-US'),
          `${((base as number) / (us as number)).toFixed(2)}×`,
        ]),
      },
    },
    {
      suite: 'signing',
      name: 'signed orders/s (fast path, pure-JS)',
      value: perSec(jsUs),
      unit: 'orders/s',
      baseline: nkName,
      baselineValue: perSec(nkUs),
      ratio: nkUs / jsUs,
      target: '≥ 1× the reference (the fallback path)',
      meetsTarget: jsUs <= nkUs,
    },
    {
      suite: 'signing',
      name: 'signed orders/s (fast path, native libsecp256k1)',
      value: perSec(nativeUs),
      unit: 'orders/s',
      baseline: 'our pure-JS fast path',
      baselineValue: perSec(jsUs),
      ratio: jsUs / nativeUs,
      target: '> 1× the JS path',
      meetsTarget: nativeUs < jsUs,
    },
    {
      suite: 'signing',
      name: 'signed orders/s (fast path, pure-JS)',
      detail: {
        title: 'Signing: where one order’s time goes (µs, fast path)',
        header: ['stage', 'µs/op'],
        rows: split.map(([k, us]) => [k, us.toFixed(1)]),
      },
      value: perSec(jsUs),
      unit: 'orders/s',
      baseline: 'ethers signTypedData',
      baselineValue: perSec(typedUs),
      ratio: typedUs / jsUs,
      target: '≥ 1× ethers',
      meetsTarget: jsUs <= typedUs,
    },
  ];
}

/** µs per call of each stage of one order, in the order the fast path runs them. */
function costSplit(
  native: LocalSigner,
  js: LocalSigner,
  build: (i: number) => ReturnType<typeof orderAction>,
): [string, number][] {
  const time = (fn: (i: number) => unknown) => {
    for (let i = 0; i < WARMUP; i++) fn(i);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) fn(i);
    return Number(process.hrtime.bigint() - t0) / 1000 / N;
  };
  const action = build(1);
  const hash = l1ActionHash({ action, nonce: 1 });
  const digest = agentPayload(hash, 'mainnet').digest;
  return [
    ['build (orderAction)', time(build)],
    ['msgpack (encodeAction)', time(() => encodeAction(action))],
    ['hash (l1ActionHash)', time((i) => l1ActionHash({ action, nonce: i + 1 }))],
    ['phantom agent digest', time(() => agentPayload(hash, 'mainnet'))],
    ['sign digest (pure JS)', time(() => js.signDigest(digest))],
    ['sign digest (native libsecp256k1)', time(() => native.signDigest(digest))],
  ];
}

export const signingSuite: Suite = { name: 'signing', run: signing };

if (import.meta.url === `file://${process.argv[1]}`) {
  await runBench([signingSuite], { json: new URL('./results/latest.json', import.meta.url) });
}
