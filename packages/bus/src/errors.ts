/** The bus package's one error base: every failure it raises is a BusError (cause kept). */
export class BusError extends Error {
  override name = 'BusError';
}

/**
 * An event-store append whose expected last subject sequence was stale. When it is the first event
 * that was refused, nothing was written; `appended` lists what a multi-event append wrote before a
 * concurrent writer got in between (with `msgIds` and without `rejectDuplicates`, also the events
 * of an earlier attempt it recognised as its own). An atomic append always lists none of its batch.
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
 * A fenced append refused because the fence subject moved on: another writer claimed it after the
 * token this writer holds (a stale single signer). Nothing of the append was written.
 */
export class FencedError extends ConcurrencyError {
  override name = 'FencedError';
  constructor(
    subject: string,
    expectedLastSubjectSeq: number,
    readonly fenceSubject: string,
    /** the fence's last sequence this writer holds */
    readonly fenceSeq: number,
    /** the fence's last sequence on the server */
    readonly actualFenceSeq: number,
    options?: ErrorOptions,
  ) {
    super(subject, expectedLastSubjectSeq, undefined, [], options);
    this.message =
      `fenced append to ${subject} refused: ${fenceSubject} is at ${actualFenceSeq}, ` +
      `this writer holds ${fenceSeq}; nothing written`;
  }
}

/** Why the server refused a whole atomic batch (ADR-50): nothing of it was stored. */
export type AtomicBatchRejection =
  /** the stream was not provisioned with `allow_atomic` (10174) */
  | 'notEnabled'
  /** a message of the batch did not reach the server's staging, or the batch timed out (10176) */
  | 'incomplete'
  /** more messages than the server's atomic batch limit, 1000 by default (10199) */
  | 'tooLarge'
  /** the stream (50) or the server (1000) has as many batches in flight as it allows (10210) */
  | 'tooManyInflight';

/** An atomic append the server refused whole; retrying makes sense only for the transient reasons. */
export class AtomicBatchError extends BusError {
  override name = 'AtomicBatchError';
  constructor(
    readonly subject: string,
    readonly reason: AtomicBatchRejection,
    /** the server's err_code */
    readonly errCode: number,
    description: string,
    options?: ErrorOptions,
  ) {
    super(
      `atomic append to ${subject} refused (${reason}): ${description} (${errCode}); nothing written`,
      options,
    );
  }

  /** incomplete and tooManyInflight can succeed on a retry; the others need a config change */
  get transient(): boolean {
    return this.reason === 'incomplete' || this.reason === 'tooManyInflight';
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
