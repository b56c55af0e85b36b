import { loadConfig } from '@hyperflow/service';
import { describe, expect, it } from 'vitest';
import { IngestorConfig, venueUrls } from './config.js';

const base = {
  NATS_URL: 'nats://127.0.0.1:4222',
  HL_WS_URL: 'ws://127.0.0.1:1/ws',
  HL_REST_URL: 'http://127.0.0.1:1',
};

describe('IngestorConfig', () => {
  it('given only the NATS URL and sim URLs, when loaded, then defaults apply', () => {
    const c = loadConfig(IngestorConfig, base);
    expect(c.HL_NETWORK).toBe('sim');
    expect(c.COINS).toEqual(['BTC', 'ETH']);
    expect(c.CHANNELS).toEqual(['trades', 'l2Book', 'bbo']);
    expect(c.INSTANCE_INDEX).toBe(0);
    expect(c.INSTANCE_COUNT).toBe(1);
    expect(venueUrls(c)).toEqual({ ws: 'ws://127.0.0.1:1/ws', rest: 'http://127.0.0.1:1' });
  });

  it('given testnet without URLs, then the venue endpoints are used', () => {
    const c = loadConfig(IngestorConfig, { NATS_URL: 'nats://x:4222', HL_NETWORK: 'testnet' });
    expect(venueUrls(c)).toEqual({
      ws: 'wss://api.hyperliquid-testnet.xyz/ws',
      rest: 'https://api.hyperliquid-testnet.xyz',
    });
  });

  it('given sim without URLs, then the error names HL_WS_URL', () => {
    expect(() => loadConfig(IngestorConfig, { NATS_URL: 'nats://x:4222' })).toThrow(/HL_WS_URL/);
  });

  it('given an instance index outside the count, then INSTANCE_INDEX is named', () => {
    expect(() => loadConfig(IngestorConfig, { ...base, INSTANCE_INDEX: '2', INSTANCE_COUNT: '2' })).toThrow(
      /INSTANCE_INDEX/,
    );
  });

  it('given a mantissa without nSigFigs 5, then it is refused (venue rule)', () => {
    expect(() => loadConfig(IngestorConfig, { ...base, L2_NSIG_FIGS: '4', L2_MANTISSA: '2' })).toThrow(
      /L2_MANTISSA/,
    );
    const ok = loadConfig(IngestorConfig, { ...base, L2_NSIG_FIGS: '5', L2_MANTISSA: '2', L2_FAST: 'true' });
    expect([ok.L2_NSIG_FIGS, ok.L2_MANTISSA, ok.L2_FAST]).toEqual([5, 2, true]);
  });

  it('given channels, candle intervals and per-coin overrides, then they are typed', () => {
    const c = loadConfig(IngestorConfig, {
      ...base,
      COINS: 'BTC, ETH ,SOL',
      CHANNELS: 'trades,candle,allMids',
      CANDLE_INTERVALS: '1m,1h',
      COIN_CHANNELS: '{"SOL":["bbo"]}',
    });
    expect(c.COINS).toEqual(['BTC', 'ETH', 'SOL']);
    expect(c.CANDLE_INTERVALS).toEqual(['1m', '1h']);
    expect(c.COIN_CHANNELS).toEqual({ SOL: ['bbo'] });
  });

  it('given an unknown channel or bad JSON, then the variable is named', () => {
    expect(() => loadConfig(IngestorConfig, { ...base, CHANNELS: 'trades,orderbook' })).toThrow(/CHANNELS/);
    expect(() => loadConfig(IngestorConfig, { ...base, COIN_CHANNELS: '{nope' })).toThrow(/COIN_CHANNELS/);
    expect(() => loadConfig(IngestorConfig, { ...base, COINS: 'all,BTC' })).toThrow(/COINS/);
  });
});
