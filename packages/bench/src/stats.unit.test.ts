import { describe, expect, it } from 'vitest';
import { parseVmRss, promValue, summarize } from './stats.js';

describe('summarize', () => {
  it('given an odd count, when summarized, then the median is the middle value', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, median: 3, max: 5, min: 1 });
  });

  it('given an even count, when summarized, then the median is the mean of the middle two', () => {
    expect(summarize([4, 1, 2, 10])).toEqual({ n: 4, median: 3, max: 10, min: 1 });
  });

  it('given no values or a NaN, when summarized, then it throws', () => {
    expect(() => summarize([])).toThrow(RangeError);
    expect(() => summarize([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('parseVmRss', () => {
  it('given a /proc/<pid>/status text, when parsed, then VmRSS is returned in bytes', () => {
    const status = 'Name:\tnode\nVmPeak:\t  999999 kB\nVmRSS:\t   51200 kB\nRssAnon:\t   40000 kB\n';
    expect(parseVmRss(status)).toBe(51200 * 1024);
  });

  it('given a status without VmRSS (kernel thread, zombie), when parsed, then undefined', () => {
    expect(parseVmRss('Name:\tkthreadd\nState:\tS (sleeping)\n')).toBeUndefined();
  });
});

describe('promValue', () => {
  const text = [
    '# HELP ingestor_live_subscriptions live venue subscriptions',
    '# TYPE ingestor_live_subscriptions gauge',
    'ingestor_live_subscriptions 1000',
    'ingestor_live_subscriptions_total{x="y"} 5',
    'other{a="b"} 2.5',
  ].join('\n');

  it('given a metric name, when looked up, then its value is returned (labels ignored)', () => {
    expect(promValue(text, 'ingestor_live_subscriptions')).toBe(1000);
    expect(promValue(text, 'other')).toBe(2.5);
  });

  it('given an unknown name, when looked up, then undefined', () => {
    expect(promValue(text, 'missing')).toBeUndefined();
  });
});
