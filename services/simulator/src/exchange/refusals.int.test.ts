import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyRefusal, REFUSAL, type RefusalName } from '@hyperflow/hyperliquid/internal';
import { approveAgentAction, signUserSignedAction, withdraw3Action } from '@hyperflow/signing';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import {
  bestBidAsk,
  type ExchangeAnswer,
  errorsOf,
  limitOrder,
  orderAction,
  PlainClient,
  postRaw,
  restingOid,
} from '../test-support/protocol.js';

const master = Wallet.createRandom();
const stranger = Wallet.createRandom();
const USER = master.address.toLowerCase();
const BTC = 0;
const PURR = 10_000;
let sim: SimulatorHandle;
let budgetSim: SimulatorHandle;
let c: PlainClient;

/** every refusal seen, with the name it must classify as and the asset its suffix must carry */
const seen: { text: string; name: RefusalName; asset?: number }[] = [];

function expectRefusal(texts: string[], name: RefusalName, asset?: number): void {
  expect(texts, `expected one ${name} refusal`).toHaveLength(1);
  const text = texts[0] as string;
  seen.push(asset === undefined ? { text, name } : { text, name, asset });
  const r = classifyRefusal(text);
  expect(r.name, text).toBe(name);
  expect(r.asset, text).toBe(asset);
}

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, tickMs: 0, accounts: { [USER]: '100000' } });
  budgetSim = await startSimulator({
    seed: 12,
    tickMs: 0,
    accounts: { [USER]: '100000' },
    addressBudgetInitial: 2,
    scheduleCancelMinVolume: 0,
  });
  c = new PlainClient(sim.httpUrl, master);
});
afterAll(async () => {
  await sim.close();
  await budgetSim.close();
});

describe('venue refusals: every per-order and per-cancel error ends in " asset=<id>"', () => {
  it('given orders that break a rule, when placed, then each error is the venue text plus the asset id', async () => {
    const { bid, ask } = await bestBidAsk(c, 'BTC');
    const place = async (o: Record<string, unknown>) => errorsOf(await c.act(orderAction(o)));
    expectRefusal(await place(limitOrder(BTC, true, '60000.5', '0.01')), 'tick', BTC);
    expectRefusal(await place(limitOrder(BTC, true, '60000', '0.000001')), 'invalidSize', BTC);
    expectRefusal(await place(limitOrder(BTC, true, '60000', '0')), 'zeroSize', BTC);
    expectRefusal(await place(limitOrder(BTC, true, bid, '0.0001')), 'minValuePerp', BTC);
    expectRefusal(await place(limitOrder(PURR, true, '0.2', '1')), 'minValueSpot', PURR);
    expectRefusal(await place(limitOrder(PURR, true, '0.2', '1000000')), 'spotBalance', PURR);
    expectRefusal(await place(limitOrder(BTC, true, bid, '100')), 'margin', BTC);
    expectRefusal(await place(limitOrder(BTC, false, ask, '0.01', 'Gtc', { r: true })), 'reduceOnly', BTC);
    const crossing = String(Math.ceil(Number(ask)) + 1);
    expectRefusal(await place(limitOrder(BTC, true, crossing, '0.01', 'Alo')), 'postOnly', BTC);
    const low = String(Math.floor(Number(bid) * 0.7));
    expectRefusal(await place(limitOrder(BTC, true, low, '0.01', 'Ioc')), 'iocNoMatch', BTC);
    const far = String(Math.floor(Number(bid) * 0.1));
    expectRefusal(await place(limitOrder(BTC, true, far, '0.1')), 'priceBand', BTC);
    expectRefusal(
      await place({
        a: BTC,
        b: false,
        p: low,
        s: '0.01',
        r: true,
        t: { trigger: { isMarket: true, triggerPx: '50000.55', tpsl: 'sl' } },
      }),
      'invalidTpsl',
      BTC,
    );
    expectRefusal(await place(limitOrder(9_999, true, '1', '1')), 'invalidAsset', 9_999);
  });

  it('given cancels and modifies of orders that are not open, when sent, then the error carries the asset', async () => {
    const cancel = await c.act({ type: 'cancel', cancels: [{ a: BTC, o: 1 }] });
    expectRefusal(errorsOf(cancel), 'cancelMissing', BTC);
    const byCloid = await c.act({
      type: 'cancelByCloid',
      cancels: [{ asset: 1, cloid: '0x000000000000000000000000000000ff' }],
    });
    expectRefusal(errorsOf(byCloid), 'cancelMissing', 1);
    const modify = await c.act({
      type: 'batchModify',
      modifies: [{ oid: 1, order: limitOrder(BTC, true, '50000', '0.01') }],
    });
    expectRefusal(errorsOf(modify), 'modifyMissing', BTC);
    const ioc = await c.act({
      type: 'batchModify',
      modifies: [{ oid: 1, order: limitOrder(BTC, true, '50000', '0.01', 'Ioc') }],
      a: true,
    });
    expectRefusal(errorsOf(ioc), 'iocNoMatch', BTC);
    const noAlways = await c.act({
      type: 'modify',
      oid: 1,
      order: limitOrder(BTC, true, '50000', '0.01', 'Ioc'),
    });
    expectRefusal(errorsOf(noAlways), 'modifyMissing', BTC);
    const { bid } = await bestBidAsk(c, 'BTC');
    const px = String(Math.floor(Number(bid) * 0.9));
    const placed = await c.act(orderAction(limitOrder(BTC, true, px, '0.01')));
    const oid = restingOid(placed);
    const needsAlways = await c.act({ type: 'modify', oid, order: limitOrder(BTC, true, px, '0.01', 'Ioc') });
    expectRefusal(errorsOf(needsAlways), 'modifyNeedsAlwaysPlace', BTC);
    await c.act({ type: 'cancel', cancels: [{ a: BTC, o: oid }] });
  });

  it('given a fault-injected refusal, when an order is placed, then it carries the asset too', async () => {
    await postRaw(`${sim.httpUrl}/_sim/faults`, JSON.stringify({ fault: 'rejectOrders', n: 1 }));
    const { bid } = await bestBidAsk(c, 'BTC');
    expectRefusal(errorsOf(await c.act(orderAction(limitOrder(BTC, true, bid, '0.01')))), 'margin', BTC);
  });

  it('given whole-request failures, when sent, then the answer is status err with the venue text', async () => {
    const { bid } = await bestBidAsk(c, 'BTC');
    const order = orderAction(limitOrder(BTC, true, bid, '0.01'));
    const other = new PlainClient(sim.httpUrl, stranger);
    expectRefusal(errorsOf(await other.act(order)), 'unknownWallet');
    expectRefusal(
      errorsOf(
        await other.userSigned(approveAgentAction({ network: 'mainnet', agentAddress: USER, nonce: 5 })),
      ),
      'mustDeposit',
    );
    expectRefusal(errorsOf(await c.act(order, { expiresAfter: Date.now() - 60_000 })), 'expired');
    const body = await c.signed(order);
    await c.send(body);
    expectRefusal(errorsOf(await c.send(body)), 'duplicateNonce');
    expectRefusal(errorsOf(await c.act(order, { nonce: Date.now() - 3 * 86_400_000 })), 'nonceTooLow');
    expectRefusal(errorsOf(await c.act(order, { nonce: Date.now() + 2 * 86_400_000 })), 'nonceTooHigh');
    expectRefusal(errorsOf(await c.act(order, { vaultAddress: stranger.address })), 'vaultNotRegistered');
    expectRefusal(
      errorsOf(await c.act({ type: 'scheduleCancel', time: Date.now() + 60_000 })),
      'scheduleCancelVolume',
    );
    expectRefusal(
      errorsOf(await c.act({ type: 'updateLeverage', asset: BTC, isCross: true, leverage: 1000 })),
      'invalidLeverage',
    );
    expectRefusal(errorsOf(await c.act({ type: 'order', orders: [], grouping: 'na' })), 'zeroSize');
    expectRefusal(
      errorsOf(await c.act({ type: 'reserveRequestWeight', weight: 1_000_000_000 })),
      'insufficientTransfer',
    );
    expectRefusal(
      errorsOf(
        await c.act({
          type: 'order',
          orders: [
            limitOrder(BTC, true, bid, '0.01'),
            {
              ...limitOrder(BTC, false, bid, '0.01'),
              t: { trigger: { isMarket: true, triggerPx: bid, tpsl: 'tp' } },
            },
          ],
          grouping: 'normalTpsl',
        }),
      ),
      'tpslReduceOnly',
    );
    const unsigned = { ...(await c.signed(order)), signature: { r: '0x0', s: '0x0', v: 27 } };
    expectRefusal(errorsOf(await c.send(unsigned)), 'unableToRecover');
    const approve = approveAgentAction({
      network: 'mainnet',
      agentAddress: stranger.address,
      nonce: c.nextNonce(),
    });
    const signed = await c.send({ ...(await signUserSignedAction(master, approve)), nonce: c.nextNonce() });
    expectRefusal(errorsOf(signed), 'actionNonceMismatch');
    for (const name of ['a', 'b', 'c']) {
      const ok = await c.userSigned(
        approveAgentAction({
          network: 'mainnet',
          agentAddress: Wallet.createRandom().address,
          agentName: name,
          nonce: c.nextNonce(),
        }),
      );
      expect(ok.status).toBe('ok');
    }
    const fourth = await c.userSigned(
      approveAgentAction({
        network: 'mainnet',
        agentAddress: Wallet.createRandom().address,
        agentName: 'd',
        nonce: c.nextNonce(),
      }),
    );
    expectRefusal(errorsOf(fourth), 'tooManyAgents');
  });

  it('given transfers and TWAPs the account cannot make, when sent, then each answer carries the venue text', async () => {
    expectRefusal(
      errorsOf(
        await c.userSigned(
          withdraw3Action({
            network: 'mainnet',
            destination: USER,
            amount: '200000',
            time: c.nextNonce(),
          }),
        ),
      ),
      'insufficientWithdrawable',
    );
    expectRefusal(
      errorsOf(
        await c.act({
          type: 'subAccountTransfer',
          subAccountUser: stranger.address.toLowerCase(),
          isDeposit: true,
          usd: 1,
        }),
      ),
      'notSubAccount',
    );
    // a TWAP's refusal sits in data.status, not in statuses
    const twapError = (a: ExchangeAnswer) => {
      const st = a.status === 'ok' ? (a.response.data?.status as { error?: string } | undefined) : undefined;
      return st?.error === undefined ? [] : [st.error];
    };
    const small = await c.act({
      type: 'twapOrder',
      twap: { a: BTC, b: true, s: '0.001', r: false, m: 30, t: false },
    });
    expectRefusal(twapError(small), 'twapTooSmall');
    expect(twapError(small)[0]).toBe('TWAP order value too small. Min is $300, which is $10 per minute.');
    expectRefusal(twapError(await c.act({ type: 'twapCancel', a: BTC, t: 987_654 })), 'twapMissing');
  });

  it('given the address budget spent, when more actions come, then the budget text is sent', async () => {
    const b = new PlainClient(budgetSim.httpUrl, master);
    expectRefusal(
      errorsOf(await b.act({ type: 'scheduleCancel', time: Date.now() + 1_000 })),
      'scheduleCancelEarly',
    );
    const texts: string[] = [];
    for (let i = 0; i < 4; i++)
      texts.push(...errorsOf(await b.act({ type: 'updateLeverage', asset: 0, isCross: true, leverage: 5 })));
    expectRefusal(texts.slice(-1), 'addressBudget');
  });

  it('given the simulator sources, when every refusal they can send is listed, then each was provoked above', () => {
    const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
    const sources = listSources(root).map((f) => readFileSync(f, 'utf8'));
    const used = new Set<string>();
    for (const src of sources) for (const m of src.matchAll(/REFUSAL\.(\w+)/g)) used.add(m[1] as string);
    // helpers that build a table text
    if (sources.some((s) => s.includes('postOnlyText('))) used.add('postOnly');
    if (sources.some((s) => s.includes('minValueSpotText('))) used.add('minValueSpot');
    const provoked = new Set(seen.map((s) => s.name));
    // the WS error texts are provoked by ws/ws-limits.int.test.ts
    const ws: RefusalName[] = ['wsMessages', 'wsPendingPosts', 'wsChannels', 'wsUsers'];
    const missing = [...used].filter(
      (n) => !provoked.has(n as RefusalName) && !ws.includes(n as RefusalName),
    );
    expect(missing).toEqual([]);
    for (const n of used) expect(Object.keys(REFUSAL)).toContain(n);
    // a refusal written as a bare literal would bypass the table
    for (const src of sources) {
      expect(src).not.toMatch(/\berr\(\s*['`][A-Z]/);
      expect(src).not.toMatch(/\{\s*error:\s*['`][A-Z]/);
    }
  });
});

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-support' ? [] : listSources(p);
    return e.name.endsWith('.ts') && !e.name.includes('.test.') ? [p] : [];
  });
}
