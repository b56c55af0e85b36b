import { ContractError, TradeEvent } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { encodeEvent } from './publish.js';
import { trade } from './test-support/events.js';

describe('encodeEvent', () => {
  it('encodes the validated value as JSON bytes', () => {
    const bytes = encodeEvent(TradeEvent, trade('t-1'));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(trade('t-1'));
  });

  it('drops fields the contract does not know (what leaves is what the schema says)', () => {
    const withExtra = { ...trade('t-2'), secret: 'x' } as TradeEvent;
    expect(new TextDecoder().decode(encodeEvent(TradeEvent, withExtra))).not.toContain('secret');
  });

  it('throws a ContractError naming the bad field', () => {
    const bad = { ...trade('t-3'), side: 'long' } as unknown as TradeEvent;
    expect(() => encodeEvent(TradeEvent, bad)).toThrow(ContractError);
    expect(() => encodeEvent(TradeEvent, bad)).toThrow(/side/);
  });
});
