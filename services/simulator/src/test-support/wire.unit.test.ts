import { describe, expect, it } from 'vitest';
import info from './fixtures/info-responses.json' with { type: 'json' };
import frames from './fixtures/ws-frames.json' with { type: 'json' };
import { BasicOrder, Candle, L2Book, WsFill, WsFrame } from './wire.js';

// The schemas the integration tests hold the simulator to must accept what the real venue sent.
describe('wire schemas vs recorded venue payloads', () => {
  it('given recorded WS frames, when validated, then every one passes', () => {
    for (const f of frames) expect(WsFrame.safeParse(f).success, JSON.stringify(f).slice(0, 80)).toBe(true);
  });

  it('given recorded /info bodies, when validated, then book, candles, fills and orders pass', () => {
    expect(L2Book.safeParse(info.l2Book).success).toBe(true);
    for (const c of info.candleSnapshot) expect(Candle.safeParse(c).success).toBe(true);
    for (const f of info.userFills) expect(WsFill.safeParse(f).success).toBe(true);
    for (const o of info.openOrders) expect(BasicOrder.safeParse(o).success).toBe(true);
  });
});
