import { describe, expect, it } from 'vitest';
import { placeholderIssues } from './placeholders.js';

describe('placeholderIssues', () => {
  it('names every credential that still holds a .env.example placeholder', () => {
    expect(
      placeholderIssues({
        NATS_PASS: 'change-me-execution',
        NATS_OPERATOR_PASSWORD: 'changeme',
        GRAFANA_ADMIN_PASSWORD: 'CHANGE-ME-grafana',
        API_TOKEN: 'placeholder',
      }).map((i) => i.variable),
    ).toEqual(['NATS_PASS', 'NATS_OPERATOR_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'API_TOKEN']);
  });

  it('passes real secrets and leaves variables that are no credential alone', () => {
    expect(
      placeholderIssues({
        NATS_PASS: 'p3f9a0c1d2e3b4a5968778695a4b3c2d1e0f',
        NATS_USER: 'change-me',
        PASSWORD_FILE: 'change-me',
      }),
    ).toEqual([]);
  });

  it('never echoes the value', () => {
    expect(JSON.stringify(placeholderIssues({ NATS_PASS: 'change-me-xyz' }))).not.toContain('change-me-xyz');
  });
});
