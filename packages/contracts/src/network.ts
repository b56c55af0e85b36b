import { DEFAULT_ROOT, type Net } from './subjects.js';

/**
 * Why a message must not be acted on by a service of network `own`, or an empty list when it may:
 * its subject must be under `<root>.<own>.` and its envelope's `net`, when it has one, must be
 * `own` too. One stream holds every network, so a mainnet signal on an `hl.sim` subject (or a test
 * signal on a live one) is refused here, never traded. Pure and cheap (no subject split): it runs
 * on every message.
 */
export function networkProblems(
  subject: string,
  message: unknown,
  own: Net,
  root: string = DEFAULT_ROOT,
): string[] {
  const problems: string[] = [];
  const prefix = `${root}.${own}.`;
  if (!subject.startsWith(prefix)) {
    problems.push(`subject: ${subject} is not under ${prefix} (this service runs on ${own})`);
  }
  const net =
    typeof message === 'object' && message !== null && 'net' in message
      ? (message as { net: unknown }).net
      : undefined;
  if (net !== undefined && net !== own) {
    problems.push(`net: ${JSON.stringify(net)} on ${subject}, but this service runs on ${own}`);
  }
  return problems;
}
