/** The core package's one error base. */
export class CoreError extends Error {
  override name = 'CoreError';
}

/**
 * The exhaustive end of a `switch` over a union: a compile error when a case is missing, and a
 * loud failure (never a silent fall-through) if a value the types rule out arrives anyway.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new CoreError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
