/** Base error of the service kit: `name` set, `cause` kept. */
export class ServiceKitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One bad or missing environment variable, named, with why it was refused. */
export interface ConfigIssue {
  variable: string;
  reason: string;
}

/**
 * Configuration from the environment was refused. The message names every bad or missing
 * variable; it never carries a variable's value (values may be secrets), so it carries no
 * zod error as `cause` either.
 */
export class ConfigError extends ServiceKitError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `invalid configuration: ${issues.map((i) => i.variable).join(', ')}\n${issues
        .map((i) => `  - ${i.variable}: ${i.reason}`)
        .join('\n')}`,
    );
    this.issues = issues;
  }
}
