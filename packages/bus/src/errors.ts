/** The bus package's one error base: every failure it raises is a BusError (cause kept). */
export class BusError extends Error {
  override name = 'BusError';
}

/**
 * An event-store append whose expected last subject sequence was stale. When it is the first event
 * that was refused, nothing was written; `appended` lists what a multi-event append wrote before a
 * concurrent writer got in between.
 */
export class ConcurrencyError extends BusError {
  override name = 'ConcurrencyError';
  constructor(
    readonly subject: string,
    readonly expectedLastSubjectSeq: number,
    /** the subject's actual last sequence when the server said so, else undefined */
    readonly actualLastSubjectSeq: number | undefined,
    readonly appended: readonly number[] = [],
    options?: ErrorOptions,
  ) {
    super(
      `stale expectation on ${subject}: expected last sequence ${expectedLastSubjectSeq}` +
        (actualLastSubjectSeq === undefined ? '' : `, actual ${actualLastSubjectSeq}`) +
        (appended.length === 0
          ? '; nothing written'
          : `; ${appended.length} event(s) written before the conflict`),
      options,
    );
  }
}

/**
 * Thrown by a consumer handler for a message that can never succeed (retrying is pointless):
 * the runner terms it and routes it to the DLQ instead of redelivering it.
 */
export class PoisonMessageError extends BusError {
  override name = 'PoisonMessageError';
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.problems = problems;
  }
}

/**
 * An event larger than the server's max_payload (headers included): nothing was sent. Retrying
 * cannot help, so the caller dead-letters it instead of counting a publish failure.
 */
export class PayloadTooLargeError extends BusError {
  override name = 'PayloadTooLargeError';
  constructor(
    readonly subject: string,
    readonly bytes: number,
    readonly maxPayload: number,
  ) {
    super(`event for ${subject} is ${bytes} bytes, over the server's max_payload of ${maxPayload}`);
  }
}
