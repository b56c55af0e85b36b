/** The ingestor's one error class: `name` set, `cause` kept. */
export class IngestorError extends Error {
  override name = 'IngestorError';
}
