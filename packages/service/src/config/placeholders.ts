import type { ConfigIssue } from '../errors.js';
import type { Env } from './load-config.js';

// credentials by name: NATS_PASS, NATS_*_PASSWORD, *_SECRET, *_TOKEN
const SECRET_NAME = /(^|_)(PASS|PASSWORD|SECRET|TOKEN)$/;
// the values .env.example ships and their usual cousins
const PLACEHOLDER = /^(change-?me|changeit|placeholder|example|secret|password)([-_].*)?$/i;

/**
 * Credentials still holding a placeholder value (`change-me-…`): a service refuses to start on
 * one. The value is never echoed.
 */
export function placeholderIssues(env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (value === undefined || !SECRET_NAME.test(variable) || !PLACEHOLDER.test(value)) continue;
    issues.push({
      variable,
      reason: 'is a placeholder value (.env.example); generate real secrets with `npx hyperflow setup`',
    });
  }
  return issues;
}
