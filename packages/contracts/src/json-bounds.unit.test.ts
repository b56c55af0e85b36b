import { describe, expect, it } from 'vitest';
import { jsonBoundsProblem } from './json-bounds.js';
import { ContractError, parseBoundedJson } from './parse.js';

const limits = { maxChars: 100, maxDepth: 3 };

describe('jsonBoundsProblem', () => {
  it('accepts what fits, counting only brackets outside strings', () => {
    expect(jsonBoundsProblem('{"a":[[1]]}', limits)).toBeUndefined();
    expect(jsonBoundsProblem('{"a":"[[[[[[\\"[[["}', limits)).toBeUndefined();
  });

  it('names the bound a text breaks', () => {
    expect(jsonBoundsProblem('[[[[1]]]]', limits)).toBe('nested deeper than 3 levels');
    expect(jsonBoundsProblem(`"${'x'.repeat(200)}"`, limits)).toBe('202 characters exceed the limit of 100');
  });

  it('scans 100 000 levels without recursion', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(jsonBoundsProblem(deep, { maxChars: 1e6, maxDepth: 64 })).toBe('nested deeper than 64 levels');
  });
});

describe('parseBoundedJson', () => {
  it('parses within bounds; out of bounds or not JSON is a ContractError', () => {
    expect(parseBoundedJson('{"a":1}', limits)).toEqual({ a: 1 });
    expect(() => parseBoundedJson('[[[[1]]]]', limits)).toThrow(ContractError);
    expect(() => parseBoundedJson('{oops', limits)).toThrow(/not JSON/);
  });
});
