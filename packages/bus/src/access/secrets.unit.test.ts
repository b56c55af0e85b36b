import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { generatePassword, placeholderProblem, refusePlaceholder, serverPasswordValue } from './secrets.js';

describe('identity secrets', () => {
  it('generates distinct passwords that nats-server reads as a plain token', () => {
    const a = generatePassword();
    expect(a).toMatch(/^p[0-9a-f]{48}$/);
    expect(generatePassword()).not.toBe(a);
    expect(placeholderProblem(a)).toBeUndefined();
  });

  it('refuses placeholders, empty and short values, naming the variable and not the value', () => {
    expect(placeholderProblem('change-me-ingestor')).toMatch(/placeholder/);
    expect(placeholderProblem('CHANGEME')).toMatch(/placeholder/);
    expect(placeholderProblem('')).toMatch(/empty/);
    expect(placeholderProblem(undefined)).toMatch(/empty/);
    expect(placeholderProblem('short')).toMatch(/shorter than 16/);
    expect(() => refusePlaceholder('NATS_PASS', 'change-me-x')).toThrow(
      /^NATS_PASS is a placeholder.*hyperflow setup/,
    );
    expect(() => refusePlaceholder('NATS_PASS', 'change-me-x')).not.toThrow(/change-me-x/);
  });

  it('gives the server a double-quoted bcrypt hash of the password', () => {
    const v = serverPasswordValue('p0123456789abcdef', 4);
    expect(v).toMatch(/^"\$2[ab]\$04\$.{53}"$/);
    expect(bcrypt.compareSync('p0123456789abcdef', v.slice(1, -1))).toBe(true);
  });
});
