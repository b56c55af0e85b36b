import type { z } from 'zod';
import { DEFAULT_JSON_LIMITS, type JsonLimits, jsonBoundsProblem } from './json-bounds.js';

/** The contracts package's one error: a value failed a contract (a schema, a subject, a coin name). */
export class ContractError extends Error {
  override name = 'ContractError';
  /** `path: message` per problem, for logs and DLQ records */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [], options?: ErrorOptions) {
    super(problems.length > 0 ? `${message}: ${problems.join('; ')}` : message, options);
    this.problems = problems;
  }
}

/**
 * Validates `input` against `schema` and returns the typed value, or throws a ContractError naming
 * every offending field (the zod error is kept as `cause`). The one way data enters typed code.
 */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'message'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`,
  );
  throw new ContractError(`invalid ${what}`, problems, { cause: result.error });
}

/**
 * Parses JSON bytes/text within the default size and depth bounds, then validates; malformed or
 * out-of-bounds JSON is a ContractError too.
 */
export function parseJson<S extends z.ZodType>(
  schema: S,
  data: Uint8Array | string,
  what = 'message',
): z.output<S> {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  return parse(schema, parseBoundedJson(text, DEFAULT_JSON_LIMITS, what), what);
}

/** JSON.parse within `limits`; a ContractError (naming the bound or the syntax error) otherwise. */
export function parseBoundedJson(
  text: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  what = 'message',
): unknown {
  const problem = jsonBoundsProblem(text, limits);
  if (problem !== undefined)
    throw new ContractError(`invalid ${what}: out of bounds`, [`(root): ${problem}`]);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ContractError(`invalid ${what}: not JSON`, [(err as Error).message], { cause: err });
  }
}
