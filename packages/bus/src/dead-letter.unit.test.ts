import { createHash } from 'node:crypto';
import { DeadLetter, parse } from '@hyperflow/contracts';
import { describe, expect, it } from 'vitest';
import { buildDeadLetter, MAX_DEAD_LETTER_PAYLOAD_CHARS } from './dead-letter.js';

const base = { service: 'ingestor', reason: 'schema', source: 'ws:trades', atMs: 1_700_000_000_000 };

describe('buildDeadLetter', () => {
  it('keeps a small payload verbatim with its hash and size', () => {
    const d = buildDeadLetter({ ...base, problems: ['0.px: bad'], payload: '{"px":"x"}', index: 2 });
    expect(parse(DeadLetter, d)).toEqual(d);
    expect(d).toMatchObject({ payload: '{"px":"x"}', payloadBytes: 10, index: 2 });
    expect(d.payloadSha256).toBe(createHash('sha256').update('{"px":"x"}').digest('hex'));
  });

  it('truncates a huge payload and bounds the problems, hashing the whole', () => {
    const payload = 'é'.repeat(200_000);
    const problems = Array.from({ length: 5000 }, (_, i) => `${i}: ${'x'.repeat(2000)}`);
    const d = buildDeadLetter({ ...base, problems, payload });
    parse(DeadLetter, d);
    expect(d.payload).toHaveLength(MAX_DEAD_LETTER_PAYLOAD_CHARS);
    expect(d.payloadBytes).toBe(400_000);
    expect(d.payloadSha256).toBe(createHash('sha256').update(payload).digest('hex'));
    expect(d.problems).toHaveLength(21);
    expect(d.problems.at(-1)).toBe('… and 4980 more');
    expect(d.problems[0]?.length).toBeLessThanOrEqual(501);
  });

  it('turns bytes that are not UTF-8 and nonsense numbers into a valid record', () => {
    const d = buildDeadLetter({
      ...base,
      service: '',
      problems: [],
      payload: new Uint8Array([0xff, 0xfe, 0x7b]),
      atMs: Number.NaN,
      streamSeq: -1,
    });
    expect(parse(DeadLetter, d)).toMatchObject({ service: 'unknown', payloadBytes: 3, atMs: 0 });
    expect(d.streamSeq).toBeUndefined();
  });
});
