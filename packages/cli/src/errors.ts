/** The CLI's one error: its message is what the user reads. */
export class CliError extends Error {
  override name = 'CliError';
}
