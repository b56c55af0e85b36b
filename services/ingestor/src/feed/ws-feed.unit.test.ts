import { EventEmitter } from 'node:events';
import { subjects } from '@hyperflow/contracts';
import { WsError, type WsPool } from '@hyperflow/hyperliquid';
import { ManualTime } from '@hyperflow/testkit';
import { describe, expect, it } from 'vitest';
import { planSubscriptions } from '../config/plan.js';
import { silentLogger } from '../ports.js';
import { FakeFeed, RecordingSink, settle } from '../test-support/fakes.js';
import { Ingestor } from './ingestor.js';
import { attachFeed, badFrameReason } from './ws-feed.js';

describe('attachFeed', () => {
  it('translates pool events; protocol errors become dead letters, venue complaints only a log line', async () => {
    const time = new ManualTime();
    const sink = new RecordingSink();
    const warnings: string[] = [];
    const ingestor = new Ingestor({
      net: 'sim',
      subjects: subjects('sim'),
      instance: 'i',
      plan: planSubscriptions({
        coins: ['BTC'],
        channels: ['trades'],
        candleIntervals: [],
        book: { fast: false },
        ownsGlobal: true,
        staleAfterMs: 0,
      }),
      feed: new FakeFeed(),
      sink,
      clock: time,
      timers: time,
      log: silentLogger,
    });
    const pool = new EventEmitter();
    const detach = attachFeed(pool as unknown as WsPool, ingestor, {
      ...silentLogger,
      warn: (_o, msg) => warnings.push(msg),
    });
    pool.emit('open', 0);
    pool.emit('error', new WsError('protocol', 'non-JSON frame: {oops'), 0);
    pool.emit('error', new WsError('protocol', 'frame without channel: {"x":1}'), 0);
    pool.emit(
      'error',
      new WsError('venueError', 'venue error: Cannot subscribe to more than 1000 channels.'),
      0,
    );
    pool.emit('close', 0);
    await settle();
    expect(sink.dead.map((d) => [d.event.reason, d.event.payload])).toEqual([
      ['invalidJson', '{oops'],
      ['noChannel', '{"x":1}'],
    ]);
    expect(warnings).toEqual(['venue feed error']);
    expect(sink.statuses()).toEqual(['connected', 'disconnected']);
    detach();
    expect(pool.listenerCount('data')).toBe(0);
  });

  it('names the reason of an unroutable frame', () => {
    expect(badFrameReason('non-JSON frame: x')).toBe('invalidJson');
    expect(badFrameReason('frame without channel: {}')).toBe('noChannel');
    expect(badFrameReason('malformed subscriptionResponse')).toBe('protocol');
  });
});
