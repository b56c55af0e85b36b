import { MarketEvent, parse } from '@hyperflow/contracts';
import { ManualTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { planSubscriptions } from '../config/plan.js';
import { silentLogger } from '../ports.js';
import { FakeRest, frames, settle } from '../test-support/fakes.js';
import { FallbackPoller, pollOnce, pollRequests } from './poller.js';

const plan = planSubscriptions({
  coins: ['BTC'],
  channels: ['trades', 'l2Book', 'bbo', 'candle', 'activeAssetCtx', 'allMids'],
  candleIntervals: ['1m'],
  book: { nSigFigs: 5, fast: false },
  ownsGlobal: true,
  staleAfterMs: 0,
});

describe('pollRequests', () => {
  it('stands one REST request in for each subscription, one l2Book serving book and bbo', () => {
    expect(pollRequests(plan)).toEqual([
      { kind: 'trades', coin: 'BTC' },
      { kind: 'candle', coin: 'BTC', interval: '1m' },
      { kind: 'mids' },
      { kind: 'book', coin: 'BTC', nSigFigs: 5, book: true, bbo: true },
    ]);
  });

  it('asks a full-precision book when only the bbo is wanted', () => {
    const bboOnly = plan.filter((p) => p.channel === 'bbo');
    expect(pollRequests(bboOnly)).toEqual([{ kind: 'book', coin: 'BTC', book: false, bbo: true }]);
  });
});

describe('pollOnce', () => {
  it('normalizes REST answers to the same contract events and ids as the WS path', async () => {
    const rest = new FakeRest();
    rest.trades = [frames.trade('BTC', 9, 1000)];
    rest.book = frames.book('BTC', 2000);
    rest.mids = { BTC: '100.5' };
    const now = () => 5000;
    const all = [
      ...(await pollOnce(rest, { kind: 'trades', coin: 'BTC' }, 'sim', now)),
      ...(await pollOnce(
        rest,
        { kind: 'book', coin: 'BTC', nSigFigs: 5, book: true, bbo: true },
        'sim',
        now,
      )),
      ...(await pollOnce(rest, { kind: 'mids' }, 'sim', now)),
    ];
    for (const e of all) parse(MarketEvent, e);
    expect(all.map((e) => e.id.split(':').slice(0, 2).join(':'))).toEqual([
      'trade:sim',
      'book:sim',
      'bbo:sim',
      'mids:sim',
    ]);
    expect(all[1]).toMatchObject({ nSigFigs: 5, mantissa: null });
    expect(all[2]).toMatchObject({ id: 'bbo:sim:BTC:2000', bid: { px: '100' }, ask: { px: '101' } });
  });

  it('asks the open candle and the one before it, calendar months included', async () => {
    const rest = new FakeRest();
    const at = (now: number) =>
      pollOnce(rest, { kind: 'candle', coin: 'BTC', interval: '1M' }, 'sim', () => now);
    await at(Date.UTC(2028, 2, 1, 0, 0, 0, 5)); // just into March 2028: February (29 days) before it
    await at(Date.UTC(2028, 0, 15)); // mid-January: December 2027 before it
    await pollOnce(rest, { kind: 'candle', coin: 'BTC', interval: '1m' }, 'sim', () => 3 * 60_000 + 7);
    expect(rest.calls).toEqual([
      `candleSnapshot BTC 1M ${Date.UTC(2028, 1, 1)}-${Date.UTC(2028, 2, 1, 0, 0, 0, 5)}`,
      `candleSnapshot BTC 1M ${Date.UTC(2027, 11, 1)}-${Date.UTC(2028, 0, 15)}`,
      `candleSnapshot BTC 1m ${2 * 60_000}-${3 * 60_000 + 7}`,
    ]);
  });

  it('an unknown coin (null book) yields nothing', async () => {
    const rest = new FakeRest();
    expect(await pollOnce(rest, { kind: 'book', coin: 'X', book: true, bbo: true }, 'sim', () => 1)).toEqual(
      [],
    );
  });
});

describe('FallbackPoller', () => {
  it('polls every interval until stopped, and a refused request does not stop the round', async () => {
    const time = new ManualTime();
    const rest = new FakeRest();
    rest.trades = [frames.trade('BTC', 1, 1)];
    rest.book = frames.book('BTC', 1);
    const published: MarketEvent[] = [];
    const failed: string[] = [];
    const poller = new FallbackPoller({
      rest,
      subs: plan.filter((p) => p.channel === 'trades' || p.channel === 'l2Book'),
      net: 'sim',
      intervalMs: 2000,
      clock: time,
      timers: time,
      log: silentLogger,
      publish: async (events) => {
        published.push(...events);
      },
      onRequestFailed: (req) => failed.push(req.kind),
    });
    poller.start();
    await settle();
    expect(rest.calls).toEqual(['recentTrades BTC', 'l2Book BTC']);
    rest.fail = new Error('budget');
    time.advance(2000);
    await settle();
    expect(failed).toEqual(['trades', 'book']);
    rest.fail = undefined;
    poller.stop();
    time.advance(10_000);
    await settle();
    expect(poller.roundCount).toBe(2);
    expect(rest.calls).toHaveLength(4);
    expect(published.map((e) => e.type)).toEqual(['trade', 'book']);
    expect(time.timerCount).toBe(0);
  });
});
