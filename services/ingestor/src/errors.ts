/** The ingestor's one error class: `name` set, `cause` kept. */
export class IngestorError extends Error {
  override name = 'IngestorError';
}

/** A market event the bus refuses for its size (over the server's max_payload): never sent. */
export class EventTooLargeError extends IngestorError {
  override name = 'EventTooLargeError';
}
