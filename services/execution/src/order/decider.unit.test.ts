import { createHash } from 'node:crypto';
import { OrderEvent, parse, type SignalEmitted } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { fx } from '../decimal/fixed.js';
import { cloidForSignal } from './cloid.js';
import {
  decide,
  evolve,
  initialOrderState,
  isTerminal,
  needsResolution,
  type OrderCommand,
  type OrderState,
  replay,
  type SignedOrder,
} from './decider.js';
import { intentFromSignal, signalExpiresAtMs } from './intent.js';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');
const NOW = 1_700_000_000_000;
const ID = cloidForSignal('sig-1', sha256);

const request = (over: Partial<Extract<OrderCommand, { type: 'request' }>> = {}): OrderCommand => ({
  type: 'request',
  net: 'sim',
  orderId: ID,
  signalId: 'sig-1',
  strategy: 'trend',
  intent: { coin: 'ETH', side: 'buy', sz: '0.1', style: 'limit', limitPx: '3000', reduceOnly: false },
  expiresAtMs: NOW + 5_000,
  refusal: undefined,
  checks: ['mode', 'priceBand'],
  nowMs: NOW,
  ...over,
});
const SIGNED: SignedOrder = {
  asset: 1,
  px: '3000',
  sz: '0.1',
  tif: 'Gtc',
  nonce: NOW + 1,
  expiresAfterMs: NOW + 30_000,
  signer: '0xABCDEF0000000000000000000000000000000001',
  request: { action: { type: 'order' }, nonce: NOW + 1 },
};

/** given these commands were decided and recorded, the state; every event must honour the contract */
function given(...commands: OrderCommand[]): { state: OrderState; events: OrderEvent[] } {
  let state = initialOrderState();
  const events: OrderEvent[] = [];
  for (const c of commands) {
    for (const e of decide(c, state)) {
      events.push(parse(OrderEvent, e));
      state = evolve(state, e);
    }
  }
  return { state, events };
}
const types = (events: readonly OrderEvent[]) => events.map((e) => e.type);
const sign: OrderCommand = { type: 'sign', signed: SIGNED, nowMs: NOW + 1 };
const submit: OrderCommand = { type: 'submit', via: 'rest', nowMs: NOW + 2 };
const answer = (a: Extract<OrderCommand, { type: 'recordAnswer' }>['answer']): OrderCommand => ({
  type: 'recordAnswer',
  answer: a,
  nowMs: NOW + 3,
});

describe('cloid', () => {
  it('is 0x + 32 lower-case hex, deterministic per signal id, different across signals', () => {
    expect(ID).toMatch(/^0x[0-9a-f]{32}$/);
    expect(cloidForSignal('sig-1', sha256)).toBe(ID);
    expect(cloidForSignal('sig-2', sha256)).not.toBe(ID);
  });
});

describe('order aggregate', () => {
  it('given nothing, when requested and every check passed, then requested + riskChecked', () => {
    const { state, events } = given(request());
    expect(types(events)).toEqual(['orderRequested', 'orderRiskChecked']);
    expect(events[0]).toMatchObject({ id: `${ID}:requested`, orderId: ID, signalId: 'sig-1', sz: '0.1' });
    expect(state.status).toBe('riskChecked');
  });

  it('given a request already recorded, when the same signal comes again, then nothing happens twice', () => {
    const { state } = given(request(), sign, submit);
    expect(decide(request(), state)).toEqual([]);
    expect(decide(sign, state)).toEqual([]);
    expect(decide(submit, state)).toEqual([]);
  });

  it('a signal past its TTL is recorded as expired, never checked or traded', () => {
    const { state, events } = given(request({ nowMs: NOW + 5_001 }));
    expect(types(events)).toEqual(['orderRequested', 'orderExpired']);
    expect(events[1]).toMatchObject({ reason: 'signalTtl' });
    expect(isTerminal(state)).toBe(true);
  });

  it('a refused order becomes riskRejected with the rule and reason', () => {
    const { state, events } = given(request({ refusal: { rule: 'priceBand', reason: 'too far' } }));
    expect(events[1]).toMatchObject({
      type: 'riskRejected',
      signalId: 'sig-1',
      rule: 'priceBand',
      reason: 'too far',
    });
    expect(isTerminal(state)).toBe(true);
    expect(decide(sign, state)).toEqual([]);
  });

  it('risk-checked → signed (with the exact request) → submitted (write-ahead, attempt 1)', () => {
    const { state, events } = given(request(), sign, submit);
    expect(types(events)).toEqual(['orderRequested', 'orderRiskChecked', 'orderSigned', 'orderSubmitted']);
    expect(events[2]).toMatchObject({ nonce: NOW + 1, signer: '0xabcdef0000000000000000000000000000000001' });
    expect(state.signed?.request).toEqual(SIGNED.request);
    expect(events[3]).toMatchObject({ via: 'rest', attempt: 1 });
    expect(needsResolution(state)).toBe(true);
  });

  it('the TTL is checked again before signing and before sending', () => {
    expect(types(given(request(), { ...sign, nowMs: NOW + 6_000 }).events).slice(-1)).toEqual([
      'orderExpired',
    ]);
    expect(types(given(request(), sign, { ...submit, nowMs: NOW + 6_000 }).events).slice(-1)).toEqual([
      'orderExpired',
    ]);
  });

  it('submitted → resting', () => {
    const { state, events } = given(request(), sign, submit, answer({ kind: 'resting', oid: 42 }));
    expect(events.at(-1)).toMatchObject({ type: 'orderResting', oid: 42 });
    expect(state).toMatchObject({ status: 'resting', oid: 42 });
    expect(isTerminal(state)).toBe(false);
  });

  it('submitted → filled in full', () => {
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'filled', oid: 7, totalSz: '0.1', avgPx: '2999.5' }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'orderFilled',
      fillSz: '0.1',
      fillPx: '2999.5',
      filledSz: '0.1',
      remainingSz: '0',
      complete: true,
    });
    expect(state.status).toBe('filled');
  });

  it('an IOC partly filled: the fill, then the remainder canceled', () => {
    const { state, events } = given(
      request(),
      { ...sign, signed: { ...SIGNED, tif: 'Ioc' } },
      submit,
      answer({ kind: 'filled', oid: 7, totalSz: '0.04', avgPx: '3001' }),
    );
    expect(events.slice(-2)).toMatchObject([
      { type: 'orderFilled', fillSz: '0.04', remainingSz: '0.06', complete: false },
      { type: 'orderCanceled', reason: 'iocRemainderCanceled' },
    ]);
    expect(state.status).toBe('canceled');
  });

  it('a resting order that fills later records only the new size', () => {
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'resting', oid: 9 }),
      answer({ kind: 'filled', oid: 9, totalSz: '0.1', avgPx: '3000' }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'orderFilled', fillSz: '0.1', complete: true });
    expect(state.status).toBe('filled');
  });

  it('submitted → rejected by the venue', () => {
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'rejected', error: 'Insufficient margin to place order.' }),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'orderRejected',
      error: 'Insufficient margin to place order.',
    });
    expect(isTerminal(state)).toBe(true);
  });

  it('a timeout leaves the outcome unknown; a resend is attempt 2 of the same signed request', () => {
    const { state, events } = given(request(), sign, submit, answer({ kind: 'unknown', reason: 'timeout' }), {
      type: 'resend',
      via: 'rest',
      nowMs: NOW + 4,
    });
    expect(types(events).slice(-2)).toEqual(['orderOutcomeUnknown', 'orderSubmitted']);
    expect(events.at(-1)).toMatchObject({ attempt: 2, id: `${ID}:submitted:2` });
    expect(state.signed?.nonce).toBe(NOW + 1);
    // a second unknown after the resend has its own id
    const again = decide(answer({ kind: 'unknown', reason: 'timeout' }), state);
    expect(again[0]?.id).toBe(`${ID}:unknown:2`);
  });

  it('unknown, when the signed request can no longer land, expires', () => {
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'unknown', reason: 'timeout' }),
      answer({ kind: 'expired', reason: 'expiresAfter' }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'orderExpired', reason: 'expiresAfter' });
    expect(isTerminal(state)).toBe(true);
  });

  describe('resolution by orderStatus', () => {
    const unknown = () =>
      given(request(), sign, submit, answer({ kind: 'unknown', reason: 'timeout' })).state;
    const resolve = (resolution: Extract<OrderCommand, { type: 'resolve' }>['resolution']): OrderCommand => ({
      type: 'resolve',
      resolution,
      nowMs: NOW + 10,
    });

    it('open at the venue → reconciled + resting', () => {
      const events = decide(resolve({ kind: 'found', status: 'open', oid: 5 }), unknown());
      expect(types(events)).toEqual(['orderReconciled', 'orderResting']);
      expect(events[0]).toMatchObject({ venueStatus: 'open' });
    });

    it('filled at the venue → reconciled as filled (fill details come from userFills)', () => {
      const events = decide(resolve({ kind: 'found', status: 'filled', oid: 5 }), unknown());
      expect(types(events)).toEqual(['orderReconciled']);
      expect(replay([...given(request(), sign, submit).events, ...events]).status).toBe('filled');
    });

    it('canceled or rejected at the venue', () => {
      expect(types(decide(resolve({ kind: 'found', status: 'marginCanceled', oid: 5 }), unknown()))).toEqual([
        'orderReconciled',
        'orderCanceled',
      ]);
      expect(
        types(decide(resolve({ kind: 'found', status: 'perpMarginRejected', oid: 5 }), unknown())),
      ).toEqual(['orderReconciled', 'orderRejected']);
    });

    it('unknown cloid: wait while it may still land, expire once it cannot', () => {
      expect(decide(resolve({ kind: 'unknown', final: false }), unknown())).toEqual([]);
      expect(types(decide(resolve({ kind: 'unknown', final: true }), unknown()))).toEqual([
        'orderReconciled',
        'orderExpired',
      ]);
    });

    it('a settled order ignores late resolutions and answers', () => {
      const done = given(request(), sign, submit, answer({ kind: 'rejected', error: 'x' })).state;
      expect(decide(resolve({ kind: 'found', status: 'open', oid: 1 }), done)).toEqual([]);
      expect(decide(answer({ kind: 'resting', oid: 1 }), done)).toEqual([]);
    });
  });

  it('resting → canceled (kill switch); a canceled answer means nothing before the order rests', () => {
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'resting', oid: 42 }),
      answer({ kind: 'canceled', reason: 'killSwitch' }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'orderCanceled', oid: 42, reason: 'killSwitch' });
    expect(isTerminal(state)).toBe(true);
    expect(decide(answer({ kind: 'canceled', reason: 'x' }), given(request(), sign).state)).toEqual([]);
  });

  it('a resting order reconciled as canceled or filled at the venue', () => {
    const resting = given(request(), sign, submit, answer({ kind: 'resting', oid: 42 })).state;
    const resolve = (status: string): OrderCommand => ({
      type: 'resolve',
      resolution: { kind: 'found', status, oid: 42 },
      nowMs: NOW + 9,
    });
    expect(decide(resolve('open'), resting)).toEqual([]);
    expect(types(decide(resolve('canceled'), resting))).toEqual(['orderReconciled', 'orderCanceled']);
    expect(types(decide(resolve('filled'), resting))).toEqual(['orderReconciled']);
  });

  it('fills from the fill stream: partial, a repeated snapshot ignored by tid, then complete', () => {
    const fill = (tid: number, sz: string) =>
      answer({ kind: 'fill', oid: 42, tid, sz, px: '2999', fee: '0.01' });
    const { state, events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'resting', oid: 42 }),
      fill(1, '0.04'),
      fill(1, '0.04'),
      fill(2, '0.06'),
    );
    expect(events.filter((e) => e.type === 'orderFilled')).toMatchObject([
      { id: `${ID}:fill:1`, tid: 1, fillSz: '0.04', filledSz: '0.04', remainingSz: '0.06', complete: false },
      { tid: 2, fillSz: '0.06', filledSz: '0.1', remainingSz: '0', complete: true },
    ]);
    expect(state.status).toBe('filled');
  });

  it('a fill seen on the stream before the REST answer is not counted twice', () => {
    const { events } = given(
      request(),
      sign,
      submit,
      answer({ kind: 'fill', oid: 7, tid: 9, sz: '0.1', px: '3000' }),
      answer({ kind: 'filled', oid: 7, totalSz: '0.1', avgPx: '3000' }),
    );
    expect(events.filter((e) => e.type === 'orderFilled')).toHaveLength(1);
  });

  it('a dry-run order is finished once recorded as submitted via dryRun', () => {
    const { state } = given(request(), sign, { type: 'submit', via: 'dryRun', nowMs: NOW + 2 });
    expect(isTerminal(state)).toBe(true);
    expect(needsResolution(state)).toBe(false);
  });
});

describe('intent from a signal', () => {
  const signal = (over: Partial<SignalEmitted>): SignalEmitted => ({
    type: 'signal',
    v: 1,
    net: 'sim',
    id: 's',
    strategy: 'trend',
    coin: 'ETH',
    side: 'buy',
    style: 'market',
    reduceOnly: false,
    reason: 'r',
    causes: [{ id: 'm', exchTsMs: 1, recvTsMs: 1 }],
    createdAtMs: NOW + 0.5,
    ttlMs: 1000,
    ...over,
  });

  it('a size signal trades that size', () => {
    expect(intentFromSignal(signal({ size: '0.5' }))).toMatchObject({ side: 'buy', sz: '0.5' });
  });

  it('a target position trades the difference, on the side of its sign', () => {
    expect(intentFromSignal(signal({ targetPosition: '0' }), fx('0.3'))).toMatchObject({
      side: 'sell',
      sz: '0.3',
    });
    expect(intentFromSignal(signal({ targetPosition: '-1' }), fx('-1.25'))).toMatchObject({
      side: 'buy',
      sz: '0.25',
    });
    expect(intentFromSignal(signal({ targetPosition: '1' }), fx('1'))).toMatchObject({ sz: '0' });
  });

  it('the deadline is createdAt + ttl, in whole ms', () => {
    expect(signalExpiresAtMs(signal({ size: '1' }))).toBe(NOW + 1000);
  });
});
