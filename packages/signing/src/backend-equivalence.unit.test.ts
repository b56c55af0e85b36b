import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { jsBackend, loadNativeSecp256k1, nativeBackend } from './secp256k1.js';
import { type ExchangeRequest, signL1Action, signUserSignedAction } from './sign.js';
import { LocalSigner, type Signer } from './signer.js';
import {
  type ActionType,
  L1_TYPES,
  RandomActions,
  type RandomCase,
  USER_SIGNED_TYPES,
} from './test-support/random-actions.js';

// The native backend must produce exactly ethers' bytes: the same r, s, v and the same wire
// request, on thousands of random actions of every type, for random keys. Seeded: a failure
// names its seed and case index, and SIGNING_SEED=<seed> reruns exactly that sequence.
const SEED = Number(process.env.SIGNING_SEED ?? 0x5eed_2026);
const PER_TYPE = 1000;
// ethers' own signTypedData is ~2× slower than its digest path; a sample of it suffices
const TYPED_DATA_EVERY = 50;
const KEYS = 8;
// ~1 s per type on an idle machine; a shared CI machine can be 10× slower
const TIMEOUT_MS = 60_000;

const native = nativeBackend(loadNativeSecp256k1());

function sign(signer: Signer, c: RandomCase): Promise<ExchangeRequest> {
  if (c.kind === 'user') return signUserSignedAction(signer, c.action);
  return signL1Action(signer, {
    action: c.action,
    nonce: c.nonce,
    network: c.network,
    ...(c.vaultAddress === undefined ? {} : { vaultAddress: c.vaultAddress }),
    ...(c.expiresAfter === undefined ? {} : { expiresAfter: c.expiresAfter }),
  });
}

describe(`native libsecp256k1 vs ethers on random actions (seed ${SEED})`, () => {
  const types: readonly ActionType[] = [...L1_TYPES, ...USER_SIGNED_TYPES];

  for (const [t, type] of types.entries()) {
    it(
      `${type}: ${PER_TYPE} random actions sign byte-identically`,
      async () => {
        const gen = new RandomActions(SEED + t);
        const keys = Array.from({ length: KEYS }, () => gen.privateKey());
        const pairs = keys.map((k) => ({
          js: new LocalSigner(k, { backend: jsBackend }),
          native: new LocalSigner(k, { backend: native }),
          wallet: new Wallet(k),
        }));
        for (let i = 0; i < PER_TYPE; i++) {
          const c = gen.case(type);
          const p = pairs[i % KEYS] as (typeof pairs)[number];
          const where = `SIGNING_SEED=${SEED}, ${type} case ${i}`;
          const viaJs = await sign(p.js, c);
          const viaNative = await sign(p.native, c);
          expect(viaNative.signature, where).toEqual(viaJs.signature);
          expect(JSON.stringify(viaNative), where).toBe(JSON.stringify(viaJs));
          expect(viaNative.signature.r, where).toMatch(/^0x[0-9a-f]{64}$/);
          expect(viaNative.signature.s, where).toMatch(/^0x[0-9a-f]{64}$/);
          if (i % TYPED_DATA_EVERY === 0) {
            const viaTypedData = await sign(p.wallet, c);
            expect(JSON.stringify(viaNative), `${where} vs signTypedData`).toBe(JSON.stringify(viaTypedData));
          }
        }
      },
      TIMEOUT_MS,
    );
  }

  it('the generator is deterministic: the same seed gives the same actions', () => {
    const a = new RandomActions(SEED);
    const b = new RandomActions(SEED);
    for (const type of types) expect(JSON.stringify(a.case(type))).toBe(JSON.stringify(b.case(type)));
    expect(JSON.stringify(new RandomActions(SEED + 1).case('order'))).not.toBe(
      JSON.stringify(new RandomActions(SEED).case('order')),
    );
  });
});
