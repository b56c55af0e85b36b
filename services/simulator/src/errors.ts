/** The one error base class of the simulator; `cause` is kept when wrapping. */
export class SimulatorError extends Error {
  override readonly name: string = 'SimulatorError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Exhaustiveness guard for switches whose branches return nothing. */
export function assertNever(x: never): never {
  throw new SimulatorError(`unexpected variant ${JSON.stringify(x)}`);
}
