/** The execution service's one error base: every failure it raises is an ExecutionError (cause kept). */
export class ExecutionError extends Error {
  override name = 'ExecutionError';
}

/** A configuration or key problem found at start-up; never carries a secret's value. */
export class ExecutionConfigError extends ExecutionError {
  override name = 'ExecutionConfigError';
}

export function assertNever(value: never, what = 'value'): never {
  throw new ExecutionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
