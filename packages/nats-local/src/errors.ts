/** The package's one error: its message is what the user reads (which server, what is wrong, what to run). */
export class NatsLocalError extends Error {
  override name = 'NatsLocalError';
}
