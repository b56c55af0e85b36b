// The chaos run's verdict, per signal, from the two records that must agree: the order's events on
// the EXECUTION stream and the venue's own ledger (the simulator's accepted orders, by cloid).

/** One order event as read from `hl.<net>.exec.order.<cloid>` (only the fields judged here). */
export interface LoggedEvent {
  readonly type: string;
  readonly reason?: string;
  readonly error?: string;
  readonly oid?: number;
  readonly venueStatus?: string;
}

/** What became of one signal. */
export type Verdict =
  /** exactly one venue order, and the event log records it */
  | { readonly kind: 'survived' }
  /** no venue order, and the log ends with an explicit terminal event giving why */
  | { readonly kind: 'refused'; readonly how: string; readonly definitive: boolean }
  /** no venue order and no terminal event: the trade vanished */
  | { readonly kind: 'lost'; readonly last: string }
  /** more than one venue order for one signal */
  | { readonly kind: 'duplicated'; readonly orders: number }
  /** the log and the venue disagree (e.g. the log says refused, the venue has the order) */
  | { readonly kind: 'disagree'; readonly why: string };

/** events that end an order without a venue order */
const REFUSALS = new Set(['riskRejected', 'orderRejected', 'orderExpired']);
/** events that say the venue has (or had) the order */
const AT_VENUE = new Set(['orderResting', 'orderFilled', 'orderCanceled']);
/**
 * Whether `e` records the venue holding the order: an outcome, or a reconciliation that found it
 * filled (execution records no orderFilled then: orderStatus has no fill prices, userFills has).
 */
const atVenue = (e: LoggedEvent) =>
  AT_VENUE.has(e.type) || (e.type === 'orderReconciled' && e.venueStatus === 'filled');
/** Whether the log has ended this order: nothing more will be appended. */
export function ended(events: readonly LoggedEvent[]): boolean {
  return events.some(
    (e) =>
      REFUSALS.has(e.type) ||
      e.type === 'orderCanceled' ||
      (e.type === 'orderFilled' && (e as { complete?: boolean }).complete !== false) ||
      (e.type === 'orderReconciled' && e.venueStatus === 'filled'),
  );
}

/**
 * Judges one signal from its logged events and the number of venue orders with its cloid.
 * "Definitive" refusals are the venue's own answers that it did not execute (orderRejected): the
 * figure the issue wants at 0; a risk refusal or an expired deadline is ours, not the venue's.
 */
export function judge(events: readonly LoggedEvent[], venueOids: readonly number[]): Verdict {
  if (venueOids.length > 1) return { kind: 'duplicated', orders: venueOids.length };
  const types = events.map((e) => e.type);
  const refusal = events.find((e) => REFUSALS.has(e.type));
  const venueOid = venueOids[0];
  if (venueOid !== undefined) {
    if (refusal !== undefined) {
      const said = `${refusal.type} (${refusal.error ?? refusal.reason ?? ''})`;
      return { kind: 'disagree', why: `venue has oid ${venueOid}, log: ${types.join(',')}; ${said}` };
    }
    if (!events.some(atVenue)) {
      return { kind: 'disagree', why: `venue has oid ${venueOid}, log: ${types.join(',') || 'nothing'}` };
    }
    const other = events.find((e) => e.oid !== undefined && e.oid !== venueOid);
    if (other !== undefined) {
      return { kind: 'disagree', why: `venue has oid ${venueOid}, log has ${other.type} oid ${other.oid}` };
    }
    return { kind: 'survived' };
  }
  if (events.some(atVenue)) {
    const said = events.filter(atVenue).map((e) => e.type);
    return { kind: 'disagree', why: `log says ${said.join(',')}, venue has no order` };
  }
  if (refusal !== undefined) {
    const why = refusal.reason ?? refusal.error ?? '';
    if (why === '') return { kind: 'lost', last: `${refusal.type} without a reason` };
    return { kind: 'refused', how: `${refusal.type}: ${why}`, definitive: refusal.type === 'orderRejected' };
  }
  return { kind: 'lost', last: types.at(-1) ?? 'no event' };
}

export interface RunFigures {
  readonly signals: number;
  readonly faults: Readonly<Record<string, number>>;
  readonly survived: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly disagree: number;
  /** venue orders whose cloid belongs to no signal */
  readonly orphans: number;
  readonly refusedDefinitive: number;
  readonly refusedOther: number;
  readonly refusalReasons: Readonly<Record<string, number>>;
  readonly durationS: number;
  readonly when: string;
}

export function tally(
  verdicts: readonly Verdict[],
  rest: Pick<RunFigures, 'faults' | 'orphans' | 'durationS' | 'when'>,
): RunFigures {
  const count = (k: Verdict['kind']) => verdicts.filter((v) => v.kind === k).length;
  const reasons: Record<string, number> = {};
  let definitive = 0;
  for (const v of verdicts) {
    if (v.kind !== 'refused') continue;
    // one row per kind of reason: the numbers in it (nonces, sizes) vary per signal
    const how = v.how.replace(/\d+/g, 'N');
    reasons[how] = (reasons[how] ?? 0) + 1;
    if (v.definitive) definitive += 1;
  }
  return {
    signals: verdicts.length,
    survived: count('survived'),
    lost: count('lost'),
    duplicated: count('duplicated'),
    disagree: count('disagree'),
    refusedDefinitive: definitive,
    refusedOther: count('refused') - definitive,
    refusalReasons: reasons,
    ...rest,
  };
}

/** RELIABILITY.md, written from the run's figures only. */
export function renderReliability(f: RunFigures): string {
  const faults = Object.entries(f.faults)
    .map(([k, n]) => `| ${k} | ${n} |`)
    .join('\n');
  const reasons = Object.entries(f.refusalReasons)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `| ${k} | ${n} |`)
    .join('\n');
  return `# Reliability

Written by the chaos suite (\`npm run test:chaos\`, \`chaos/\`) from its last run: ${f.when}, ${f.durationS} s.
Real processes on loopback: nats-server (the repository's conf, one user per identity), the
simulator, an execution leader and a hot standby, a signal source (strategy identity) and a mids
source (ingestor identity). Faults are injected while signals flow; every signal is then judged
from its events on the EXECUTION stream against the simulator's ledger (venue orders by cloid).
The suite fails on any lost, duplicated or disagreeing order, and on any venue order without a signal.

| figure | count |
| --- | --- |
| signals | ${f.signals} |
| survived (exactly one venue order, log agrees) | ${f.survived} |
| lost (no venue order, no terminal event) | ${f.lost} |
| duplicated (more than one venue order) | ${f.duplicated} |
| log and venue disagree | ${f.disagree} |
| venue orders without a signal | ${f.orphans} |
| ended by a definitive venue refusal (orderRejected) | ${f.refusedDefinitive} |
| ended by another explicit terminal event (risk, deadline) | ${f.refusedOther} |

Faults injected, by kind:

| fault | injected |
| --- | --- |
${faults}
${reasons === '' ? '' : `\nRefusals by reason:\n\n| reason | signals |\n| --- | --- |\n${reasons}\n`}
Not injected by this suite yet: a node kill on a 3-node NATS cluster, a startup in random order,
the 5× burst from three processes, and the fuzz run (see issue 18).
`;
}
