import { describe, expect, it } from 'vitest';
import { assertNever, CoreError } from './errors.js';
import { silentLogger, systemClock, systemTimers } from './ports.js';

describe('system ports', () => {
  it('the system clock reads wall-clock ms', () => {
    const before = Date.now();
    const t = systemClock.now();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('a cleared system timer never fires', async () => {
    let fired = 0;
    const h = systemTimers.setTimeout(() => fired++, 0);
    systemTimers.clearTimeout(h);
    await new Promise<void>((resolve) => systemTimers.setTimeout(resolve, 5));
    expect(fired).toBe(0);
  });

  it('the silent logger accepts every level and returns nothing', () => {
    for (const level of ['debug', 'info', 'warn', 'error'] as const) {
      expect(silentLogger[level]({ a: 1 }, 'x')).toBeUndefined();
    }
  });
});

describe('assertNever', () => {
  it('fails loudly, naming what and the value, when the types were bypassed', () => {
    const kind = 'square' as 'circle' | 'square';
    const area = (k: 'circle' | 'square'): number => {
      switch (k) {
        case 'circle':
          return 1;
        default:
          return assertNever(k as never, 'shape');
      }
    };
    expect(area('circle')).toBe(1);
    expect(() => area(kind)).toThrow(new CoreError('unexpected shape: "square"'));
  });
});
