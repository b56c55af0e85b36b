import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { cancelAll, type KillSwitchPorts } from './kill-switch.js';

function ports(over: Partial<KillSwitchPorts> = {}) {
  const recorded: [string, number][] = [];
  const sent: { asset: number; oid: number }[][] = [];
  const p: KillSwitchPorts = {
    log: pino({ level: 'silent' }),
    openOrders: async () => [
      { coin: 'ETH', oid: 1, cloid: '0xAB000000000000000000000000000001' },
      { coin: 'BTC', oid: 2, cloid: null },
      { coin: 'ETH', oid: 3 },
    ],
    assetId: (coin) => ({ BTC: 0, ETH: 1 })[coin],
    cancel: async (cancels) => {
      sent.push([...cancels]);
      return cancels.map((c) => c.oid !== 3);
    },
    recordCanceled: async (cloid, oid) => {
      recorded.push([cloid, oid]);
    },
    ...over,
  };
  return { p, recorded, sent };
}

describe('kill switch', () => {
  it('cancels every open order in one batch and records the cancels of our own orders', async () => {
    const { p, recorded, sent } = ports();
    expect(await cancelAll(p)).toEqual({ open: 3, canceled: 2, failed: 1 });
    expect(sent).toEqual([
      [
        { asset: 1, oid: 1 },
        { asset: 0, oid: 2 },
        { asset: 1, oid: 3 },
      ],
    ]);
    expect(recorded).toEqual([['0xab000000000000000000000000000001', 1]]);
  });

  it('nothing open → nothing sent; no readable answer → nothing recorded', async () => {
    const none = ports({ openOrders: async () => [] });
    expect(await cancelAll(none.p)).toEqual({ open: 0, canceled: 0, failed: 0 });
    expect(none.sent).toEqual([]);
    const lost = ports({ cancel: async () => undefined });
    expect(await cancelAll(lost.p)).toEqual({ open: 3, canceled: 0, failed: 3 });
    expect(lost.recorded).toEqual([]);
  });
});
