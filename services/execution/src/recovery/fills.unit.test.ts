import type { FillRecorded } from '@hyperflow/contracts';
import type { UserFills } from '@hyperflow/hyperliquid';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { FILLS_PAGE, FillRecovery } from './fills.js';

const USER = '0x1111111111111111111111111111111111111111';

const wire = (tid: number, time: number, px = '100.5'): UserFills[number] => ({
  coin: 'ETH',
  px,
  sz: '0.01',
  side: 'B',
  time,
  startPosition: '0',
  dir: 'Open Long',
  closedPnl: '0',
  hash: '0xabc',
  oid: 1000 + tid,
  crossed: false,
  fee: '0.001',
  tid,
  feeToken: 'USDC',
  cloid: '0x0123456789abcdef0123456789abcdef',
});

/** A venue that answers userFillsByTime from a list (pages of `page`, oldest first). */
function venue(all: UserFills[number][], page = FILLS_PAGE) {
  const asks: number[] = [];
  return {
    asks,
    info: {
      userFillsByTime: async (a: { startTime: number }) => {
        asks.push(a.startTime);
        return all.filter((f) => f.time >= a.startTime).slice(0, page);
      },
    },
  };
}

function recovery(v: ReturnType<typeof venue>, pageSize?: number) {
  const published: FillRecorded[] = [];
  const recorded: FillRecorded[] = [];
  const r = new FillRecovery({
    info: v.info,
    account: USER,
    net: 'sim',
    lookbackMs: 1000,
    ...(pageSize === undefined ? {} : { pageSize }),
    clock: () => 10_000,
    log: pino({ level: 'silent' }),
    publish: async (f) => void published.push(f),
    record: async (f) => void recorded.push(f),
  });
  return { r, published, recorded };
}

describe('FillRecovery', () => {
  it('with no fill seen, asks from now minus the lookback; records every fill with its own price, in time order', async () => {
    const v = venue([wire(2, 9_500, '101'), wire(1, 9_400, '100')]);
    const { r, published, recorded } = recovery(v);
    expect(await r.run()).toEqual({ fetched: 2, recovered: 2 });
    expect(v.asks).toEqual([9_000]);
    expect(recorded.map((f) => [f.tid, f.px])).toEqual([
      [1, '100'],
      [2, '101'],
    ]);
    expect(published.map((f) => f.id)).toEqual(recorded.map((f) => f.id));
    expect(r.sinceMs).toBe(9_500);
  });

  it('from the last fill seen: older fills and the tids already seen at that millisecond are skipped', async () => {
    const v = venue([wire(1, 9_400), wire(2, 9_500), wire(3, 9_500), wire(4, 9_600)]);
    const { r, recorded } = recovery(v);
    r.restore({ timeMs: 9_500, tids: [2] });
    expect(await r.run()).toEqual({ fetched: 3, recovered: 2 });
    expect(v.asks).toEqual([9_500]);
    expect(recorded.map((f) => f.tid)).toEqual([3, 4]);
    // a second run finds nothing new
    expect(await r.run()).toMatchObject({ recovered: 0 });
    expect(v.asks.at(-1)).toBe(9_600);
  });

  it('pages on from the newest time of a full page, each fill once', async () => {
    const all = [wire(1, 100), wire(2, 200), wire(3, 200), wire(4, 300), wire(5, 400)];
    const v = venue(all, 3);
    const { r, recorded } = recovery(v, 3);
    r.restore({ timeMs: 50, tids: [] });
    expect((await r.run()).recovered).toBe(5);
    expect(recorded.map((f) => f.tid)).toEqual([1, 2, 3, 4, 5]);
    expect(v.asks).toEqual([50, 200, 300]);
  });

  it('a live fill seen while a run goes on does not hide the older fills that run fetches', async () => {
    const v = venue([wire(1, 9_400), wire(2, 9_500)]);
    const { r, recorded } = recovery(v);
    r.restore({ timeMs: 9_000, tids: [] });
    const running = r.run();
    r.observe({ exchTsMs: 9_900, tid: 9 });
    await running;
    expect(recorded.map((f) => f.tid)).toEqual([1, 2]);
    expect(r.sinceMs).toBe(9_900);
  });
});
