import { classifyRefusal, type RefusalName } from '@hyperflow/hyperliquid/internal';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import {
  bestBidAsk,
  type ExchangeAnswer,
  errorsOf,
  limitOrder,
  orderAction,
  PlainClient,
  restingOid,
} from '../test-support/protocol.js';

const ETH = 1;
const master = Wallet.createRandom();
const USER = master.address.toLowerCase();
let sim: SimulatorHandle;
let c: PlainClient;
let seq = 0;

interface Resting {
  readonly oid: number;
  readonly cloid: string;
  readonly px: string;
}
interface OpenOrder {
  oid: number;
  limitPx: string;
  sz: string;
  cloid?: string;
}

beforeAll(async () => {
  // openOrders weighs 20: this file reads it more often than 1200 weight a minute allows
  sim = await startSimulator({
    seed: 21,
    tickMs: 0,
    accounts: { [USER]: '100000' },
    ipWeightPerMinute: 1_000_000,
  });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
});

const nextCloid = () => `0x${(++seq).toString(16).padStart(32, '0')}`;
const open = () => c.info<OpenOrder[]>({ type: 'openOrders', user: USER });

/** A Gtc buy resting 5 % under the bid. */
async function rest(): Promise<Resting> {
  const { bid } = await bestBidAsk(c, 'ETH');
  const px = String(Math.floor(Number(bid) * 0.95));
  const cloid = nextCloid();
  const r = await c.act(orderAction(limitOrder(ETH, true, px, '0.01', 'Gtc', { c: cloid })));
  return { oid: restingOid(r), cloid, px };
}

async function crossingBuy(): Promise<string> {
  const { ask } = await bestBidAsk(c, 'ETH');
  return String(Math.ceil(Number(ask) * 1.01));
}

type By = 'oid' | 'cloid';
const ref = (o: Resting, by: By) => (by === 'oid' ? o.oid : o.cloid);

/** single `modify` (err on refusal, default on success) */
async function modify(o: Resting, by: By, order: Record<string, unknown>, always = false) {
  return c.act({ type: 'modify', oid: ref(o, by), order, ...(always ? { a: true } : {}) });
}

/** `batchModify` of one (per-order statuses) */
async function batchModify(o: Resting, by: By, order: Record<string, unknown>, always = false) {
  return c.act({
    type: 'batchModify',
    modifies: [{ oid: ref(o, by), order }],
    ...(always ? { a: true } : {}),
  });
}

function expectRefused(a: ExchangeAnswer, name: RefusalName): void {
  const [text] = errorsOf(a);
  expect(text, JSON.stringify(a)).toBeDefined();
  const r = classifyRefusal(text as string);
  expect(r.name, text).toBe(name);
  expect(r.asset).toBe(ETH);
}

async function expectStillResting(o: Resting): Promise<void> {
  const orders = await open();
  expect(orders.find((x) => x.oid === o.oid)).toMatchObject({ oid: o.oid, cloid: o.cloid, sz: '0.01' });
  expect(Number(orders.find((x) => x.oid === o.oid)?.limitPx)).toBe(Number(o.px));
}

beforeEach(async () => {
  // every case starts from a flat account with no open orders
  const orders = await open();
  if (orders.length > 0) await c.act({ type: 'cancel', cancels: orders.map((o) => ({ a: ETH, o: o.oid })) });
});

describe.each<By>(['oid', 'cloid'])('modify by %s', (by) => {
  it('given an Alo modify that would cross, when sent, then the post-only refusal comes back and the original rests', async () => {
    for (const send of [modify, batchModify]) {
      const o = await rest();
      const px = await crossingBuy();
      expectRefused(await send(o, by, limitOrder(ETH, true, px, '0.01', 'Alo', { c: o.cloid })), 'postOnly');
      await expectStillResting(o);
    }
  });

  it('given a Gtc modify that would cross without always-place, when sent, then it is refused as the Alo it becomes', async () => {
    const o = await rest();
    const px = await crossingBuy();
    expectRefused(await batchModify(o, by, limitOrder(ETH, true, px, '0.01', 'Gtc')), 'postOnly');
    await expectStillResting(o);
  });

  it('given a Gtc modify that would cross with always-place, when sent, then it trades and the original is canceled', async () => {
    const o = await rest();
    const px = await crossingBuy();
    const r = await batchModify(o, by, limitOrder(ETH, true, px, '0.01', 'Gtc'), true);
    expect(r.status === 'ok' && r.response.data?.statuses?.[0]).toMatchObject({
      filled: { totalSz: '0.01' },
    });
    expect((await open()).map((x) => x.oid)).not.toContain(o.oid);
    const st = await c.info<{ order: { status: string } }>({ type: 'orderStatus', user: USER, oid: o.oid });
    expect(st.order.status).toBe('canceled');
  });

  it('given an Ioc modify, when sent without always-place, then it is refused and the original rests; with it, it trades', async () => {
    const o = await rest();
    const px = await crossingBuy();
    expectRefused(
      await batchModify(o, by, limitOrder(ETH, true, px, '0.01', 'Ioc')),
      'modifyNeedsAlwaysPlace',
    );
    await expectStillResting(o);
    const r = await batchModify(o, by, limitOrder(ETH, true, px, '0.01', 'Ioc'), true);
    expect(r.status === 'ok' && r.response.data?.statuses?.[0]).toMatchObject({
      filled: { totalSz: '0.01' },
    });
    expect((await open()).map((x) => x.oid)).not.toContain(o.oid);
  });

  it.each(['Alo', 'Gtc', 'Ioc'] as const)(
    'given a %s modify with an invalid price or size, when sent, then it is refused and the original rests',
    async (tif) => {
      const o = await rest();
      for (const always of [false, true]) {
        for (const send of [modify, batchModify]) {
          // Ioc without always-place is refused before its price is looked at
          const expectTick: RefusalName = tif === 'Ioc' && !always ? 'modifyNeedsAlwaysPlace' : 'tick';
          const expectLot: RefusalName = tif === 'Ioc' && !always ? 'modifyNeedsAlwaysPlace' : 'invalidSize';
          expectRefused(
            await send(o, by, limitOrder(ETH, true, `${o.px}.55`, '0.01', tif), always),
            expectTick,
          );
          expectRefused(await send(o, by, limitOrder(ETH, true, o.px, '0.000001', tif), always), expectLot);
          await expectStillResting(o);
        }
      }
    },
  );

  it.each(['Alo', 'Gtc'] as const)(
    'given a valid %s modify that does not cross, when sent, then the original is replaced by a resting order at the new price',
    async (tif) => {
      const o = await rest();
      const newPx = String(Number(o.px) - 1);
      const cloid = nextCloid();
      const r = await modify(o, by, limitOrder(ETH, true, newPx, '0.02', tif, { c: cloid }));
      expect(r).toEqual({ status: 'ok', response: { type: 'default' } });
      const orders = await open();
      expect(orders.map((x) => x.oid)).not.toContain(o.oid);
      const replaced = orders.find((x) => x.cloid === cloid);
      expect(replaced).toMatchObject({ sz: '0.02' });
      expect(Number(replaced?.limitPx)).toBe(Number(newPx));
    },
  );

  it('given a canceled order, when modified without always-place, then the ambiguous not-found refusal comes back', async () => {
    const o = await rest();
    await c.act({ type: 'cancel', cancels: [{ a: ETH, o: o.oid }] });
    expectRefused(await modify(o, by, limitOrder(ETH, true, o.px, '0.01', 'Gtc')), 'modifyMissing');
    expect(await open()).toEqual([]);
  });
});
