import { describe, expect, it } from 'vitest';
import { appendRoundTrips, chooseAppendStrategy } from './append-strategy.js';

describe('append strategy', () => {
  it('auto: atomic in memory or on a replicated stream, sequential on one file replica', () => {
    expect(chooseAppendStrategy('auto', { storage: 'memory', replicas: 1 }).strategy).toBe('atomic');
    expect(chooseAppendStrategy('auto', { storage: 'file', replicas: 3 }).strategy).toBe('atomic');
    expect(chooseAppendStrategy('auto', { storage: 'file', replicas: 1 }).strategy).toBe('sequential');
  });

  it('an explicit setting wins over the stream', () => {
    expect(chooseAppendStrategy('sequential', { storage: 'memory', replicas: 3 }).strategy).toBe(
      'sequential',
    );
    expect(chooseAppendStrategy('atomic', { storage: 'file', replicas: 1 }).strategy).toBe('atomic');
  });

  it('round trips per append: one for a batch, one per event when sequential', () => {
    expect(appendRoundTrips('atomic')(4)).toBe(1);
    expect(appendRoundTrips('sequential')(4)).toBe(4);
  });
});
