import type { AssetRegistry, SubmitOutcome } from '@hyperflow/hyperliquid';
import type { ExchangeRequest } from '@hyperflow/signing';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test-support/clock.js';
import { T0 } from '../test-support/fakes.js';
import { recordingLog } from '../test-support/log.js';
import { startVenueConnection, type VenuePorts } from './connection.js';

const registry = { size: 2, find: () => undefined } as unknown as AssetRegistry;
const ANSWER = { kind: 'answered', result: { kind: 'okOther' } } as unknown as SubmitOutcome;

function ports(over: Partial<VenuePorts> = {}) {
  const calls: string[] = [];
  const p: VenuePorts = {
    log: recordingLog().log,
    loadAssets: async () => {
      calls.push('meta');
      return registry;
    },
    post: {
      connect: async () => void calls.push('post connect'),
      close: async () => void calls.push('post close'),
    },
    exchange: {
      submit: async (request, priority) => {
        calls.push(`submit ${priority} ${JSON.stringify(request.action)}`);
        return ANSWER;
      },
      syncAddressBudget: async () => void calls.push('address budget'),
    },
    queue: {
      run: async (job) => {
        calls.push(`queued ${job.key} ${job.priority}`);
        return job.send();
      },
      close: () => void calls.push('queue close'),
    },
    sign: async (action) => ({ action, nonce: 1, signature: { r: '0x', s: '0x', v: 27 } }) as ExchangeRequest,
    closeBudgets: () => void calls.push('budgets close'),
    retry: { clock: new FakeClock(T0), log: recordingLog().log },
    ...over,
  };
  return { p, calls };
}

describe('venue connection', () => {
  it('on start: venue meta, the post socket, the address budget from the venue', async () => {
    const s = ports();
    const v = await startVenueConnection(s.p);
    expect(v.registry).toBe(registry);
    expect(s.calls).toEqual(['meta', 'post connect', 'address budget']);
  });

  it('the venue not listening yet (ECONNREFUSED, 503, timeout): venue meta is waited for with backoff, logged, not ready', async () => {
    const clock = new FakeClock(T0);
    const { log, lines } = recordingLog();
    const waiting: string[] = [];
    const errors = [
      'fetch failed: ECONNREFUSED',
      'info meta: HTTP 503 Service Unavailable',
      'info meta: timed out',
    ];
    let reads = 0;
    const s = ports({
      retry: { clock, log, onWaiting: (r) => waiting.push(r) },
      loadAssets: async () => {
        const err = errors[reads];
        reads += 1;
        if (err !== undefined) throw new Error(err);
        return registry;
      },
    });
    let started = false;
    const starting = startVenueConnection(s.p).then(() => {
      started = true;
    });
    await clock.advance(100 + 200);
    expect(started).toBe(false);
    await clock.advance(400);
    await starting;
    expect(reads).toBe(4);
    expect(waiting).toEqual(errors.map((e) => `waiting for venue meta: ${e}`));
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.obj)).toEqual([
      expect.objectContaining({ attempt: 1, retryInMs: 100 }),
      expect.objectContaining({ attempt: 2, retryInMs: 200 }),
      expect.objectContaining({ attempt: 3, retryInMs: 400 }),
    ]);
  });

  it('shutdown while waiting for the venue: the start is aborted, nothing half-open', async () => {
    const clock = new FakeClock(T0);
    const abort = new AbortController();
    const s = ports({
      retry: { clock, log: recordingLog().log, signal: abort.signal },
      loadAssets: async () => {
        throw new Error('ECONNREFUSED');
      },
    });
    const starting = startVenueConnection(s.p);
    await clock.advance(50);
    abort.abort();
    await expect(starting).rejects.toThrow('stopped while waiting for venue meta');
  });

  it('an action is signed once, waits in the queue at cancel priority, then is submitted', async () => {
    const s = ports();
    const v = await startVenueConnection(s.p);
    s.calls.length = 0;
    expect(await v.sendAction?.('killSwitch', { type: 'cancel' })).toBe(ANSWER);
    expect(s.calls).toEqual(['queued killSwitch cancel', 'submit cancel {"type":"cancel"}']);
  });

  it('dry-run: nothing to send, no address budget', async () => {
    const { exchange: _, ...rest } = ports().p;
    const s = ports();
    const v = await startVenueConnection({ ...rest, loadAssets: s.p.loadAssets });
    expect(v.sendAction).toBeUndefined();
  });

  it('the address budget unavailable: a warning, and the start goes on', async () => {
    const { log, messages } = recordingLog();
    const s = ports({ log });
    const failing = {
      ...(s.p.exchange as NonNullable<VenuePorts['exchange']>),
      syncAddressBudget: async () => {
        throw new Error('429');
      },
    };
    await startVenueConnection({ ...s.p, exchange: failing });
    expect(messages()).toContain('userRateLimit unavailable: address budget starts at its default');
  });

  it('stop closes the queue first, waits for tracked work, then closes the socket and budgets', async () => {
    const s = ports();
    const v = await startVenueConnection(s.p);
    s.calls.length = 0;
    let finish: () => void = () => {};
    v.track(
      new Promise<void>((resolve) => {
        finish = resolve;
      }),
    );
    const stopping = v.stop();
    await settle();
    expect(s.calls).toEqual(['queue close']);
    finish();
    await stopping;
    expect(s.calls).toEqual(['queue close', 'post close', 'budgets close']);
  });
});
