// Signed orders per second and the per-order cost split (build, msgpack, hash, sign).
// Run: node --conditions=source --import tsx packages/signing/bench/sign.bench.ts
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

const KEY = Wallet.createRandom().privateKey;
const signer = new LocalSigner(KEY, { backend: jsBackend });
const native = new LocalSigner(KEY, { backend: nativeBackend(loadNativeSecp256k1()) });
const wallet = new Wallet(KEY);
const N = 5_000;

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

function time(label: string, fn: (i: number) => unknown, n = N): number {
  for (let i = 0; i < 200; i++) fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${label.padEnd(34)} ${us.toFixed(1).padStart(8)} µs/op`);
  return us;
}

async function timeAsync(label: string, fn: (i: number) => Promise<unknown>, n = N): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1000 / n;
  console.log(`${label.padEnd(34)} ${us.toFixed(1).padStart(8)} µs/op  (${Math.round(1e6 / us)} orders/s)`);
  return us;
}

const action = build(1);
const hash = l1ActionHash({ action, nonce: 1 });
const digest = agentPayload(hash, 'mainnet').digest;
time('build (orderAction)', build);
time('msgpack (encodeAction)', () => encodeAction(action));
time('hash (l1ActionHash)', (i) => l1ActionHash({ action, nonce: i + 1 }));
time('phantom agent digest', () => agentPayload(hash, 'mainnet'));
time('sign digest (ethers, pure JS)', () => signer.signDigest(digest));
time('sign digest (native libsecp256k1)', () => native.signDigest(digest));
const ours = await timeAsync('end to end, fast path, JS', (i) =>
  signL1Action(signer, { action: build(i), nonce: 1_700_000_000_000 + i, network: 'mainnet' }),
);
const oursNative = await timeAsync('end to end, fast path, native', (i) =>
  signL1Action(native, { action: build(i), nonce: 1_700_000_000_000 + i, network: 'mainnet' }),
);
const typed = await timeAsync(
  'end to end, ethers signTypedData',
  (i) => signL1Action(wallet, { action: build(i), nonce: 1_700_000_000_000 + i, network: 'mainnet' }),
  1_000,
);
console.log(`fast path is ${(typed / ours).toFixed(2)}x ethers signTypedData on JS`);
console.log(`native is ${(ours / oursNative).toFixed(2)}x the JS fast path`);
