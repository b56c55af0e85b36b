import { type ParsedSubject, parseSubject } from '@hyperflow/contracts';

/** Rolling percentiles over the last `cap` samples (ms). */
export class Samples {
  private readonly values: number[] = [];
  constructor(private readonly cap = 2000) {}
  add(v: number): void {
    if (!Number.isFinite(v)) return;
    this.values.push(v);
    if (this.values.length > this.cap) this.values.shift();
  }
  percentile(p: number): number | undefined {
    if (this.values.length === 0) return undefined;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
  get count(): number {
    return this.values.length;
  }
}

export interface LiveStats {
  /** messages per kind in the current one-second window and the last complete one */
  readonly current: Map<string, number>;
  lastRates: Map<string, number>;
  readonly totals: Map<string, number>;
  readonly health: Map<string, string>;
  readonly recentSignals: string[];
  readonly recentOrders: string[];
  /** decimal strings summed as scaled integers (1e-8 units) to stay exact */
  realizedPnl: bigint;
  fees: bigint;
  /** market event receive → seen here, ms */
  readonly deliveryMs: Samples;
  /** triggering tick receive → signal created, ms */
  readonly tickToSignalMs: Samples;
  invalid: number;
}

export function newLiveStats(): LiveStats {
  return {
    current: new Map(),
    lastRates: new Map(),
    totals: new Map(),
    health: new Map(),
    recentSignals: [],
    recentOrders: [],
    realizedPnl: 0n,
    fees: 0n,
    deliveryMs: new Samples(),
    tickToSignalMs: new Samples(),
    invalid: 0,
  };
}

const SCALE = 8;
/** "12.5" → 1250000000n (1e-8 units), exact. */
export function toScaled(decimal: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!m) return 0n;
  const frac = (m[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const v = BigInt(m[2] ?? '0') * 10n ** BigInt(SCALE) + BigInt(frac);
  return m[1] === '-' ? -v : v;
}
export function fromScaled(v: bigint, decimals = 2): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const unit = 10n ** BigInt(SCALE);
  const frac = (abs % unit).toString().padStart(SCALE, '0').slice(0, decimals);
  return `${neg ? '-' : ''}${abs / unit}${decimals > 0 ? `.${frac}` : ''}`;
}

function kindOf(p: ParsedSubject): string {
  switch (p.family) {
    case 'md':
      return p.kind === 'candle' ? `candle.${p.interval}` : p.kind;
    case 'health':
      return `health.${p.kind}`;
    case 'signal':
      return 'signal';
    case 'exec':
      return p.kind === 'order' ? 'order' : `exec.${p.kind}`;
    case 'acct':
      return p.kind;
    case 'ctl':
      return 'control';
    case 'dlq':
      return 'dlq';
    default: {
      const never: never = p;
      return String(never);
    }
  }
}

const push = (list: string[], line: string, keep = 5) => {
  list.unshift(line);
  if (list.length > keep) list.pop();
};

/** Folds one message seen on the bus into the stats. Payloads are read leniently: this is a view. */
export function observe(stats: LiveStats, subject: string, payload: unknown, nowMs: number): void {
  let parsed: ParsedSubject;
  try {
    parsed = parseSubject(subject);
  } catch {
    stats.invalid += 1;
    return;
  }
  const kind = kindOf(parsed);
  stats.current.set(kind, (stats.current.get(kind) ?? 0) + 1);
  stats.totals.set(kind, (stats.totals.get(kind) ?? 0) + 1);
  const m = (payload ?? {}) as Record<string, unknown>;
  if (parsed.family === 'md' && typeof m.recvTsMs === 'number') stats.deliveryMs.add(nowMs - m.recvTsMs);
  if (parsed.family === 'health') {
    const instance = parsed.instance;
    const status = m.type === 'gap' ? `gap ${m.fromMs}→${m.toMs}` : String(m.status ?? '?');
    stats.health.set(instance, status);
  }
  if (parsed.family === 'signal') {
    const causes = Array.isArray(m.causes) ? (m.causes as { recvTsMs?: number }[]) : [];
    const first = causes[0]?.recvTsMs;
    if (typeof first === 'number' && typeof m.createdAtMs === 'number')
      stats.tickToSignalMs.add(m.createdAtMs - first);
    push(
      stats.recentSignals,
      `${m.strategy} ${m.side} ${m.size ?? `→${m.targetPosition}`} ${parsed.coin}: ${m.reason}`,
    );
  }
  if (parsed.family === 'exec' && parsed.kind === 'order') {
    push(stats.recentOrders, `${String(m.orderId ?? '').slice(0, 10)}… ${m.type}`);
  }
  if (parsed.family === 'acct' && parsed.kind === 'fill') {
    if (typeof m.closedPnl === 'string') stats.realizedPnl += toScaled(m.closedPnl);
    if (typeof m.fee === 'string') stats.fees += toScaled(m.fee);
  }
}

/** Closes the current one-second window. */
export function tick(stats: LiveStats): void {
  stats.lastRates = new Map(stats.current);
  stats.current.clear();
}

const fmt = (v: number | undefined) => (v === undefined ? '   -  ' : `${v.toFixed(2).padStart(6)}`);

export function render(stats: LiveStats, header: readonly string[]): string {
  const kinds = [...stats.totals.keys()].sort();
  const lines = [...header, '', 'messages      /s     total'];
  for (const k of kinds) {
    lines.push(
      `  ${k.padEnd(12)}${String(stats.lastRates.get(k) ?? 0).padStart(4)}  ${String(stats.totals.get(k)).padStart(8)}`,
    );
  }
  if (kinds.length === 0) lines.push('  (nothing yet)');
  lines.push('', 'latency ms        p50    p90    p99');
  const d = stats.deliveryMs;
  const t = stats.tickToSignalMs;
  lines.push(`  tick→here    ${fmt(d.percentile(50))} ${fmt(d.percentile(90))} ${fmt(d.percentile(99))}`);
  lines.push(`  tick→signal  ${fmt(t.percentile(50))} ${fmt(t.percentile(90))} ${fmt(t.percentile(99))}`);
  lines.push(
    '',
    `feed health: ${[...stats.health].map(([i, s]) => `${i}=${s}`).join('  ') || '(no reports yet)'}`,
  );
  lines.push(`P&L (realized − fees, USDC): ${fromScaled(stats.realizedPnl - stats.fees)}`);
  lines.push('', 'recent signals:', ...stats.recentSignals.map((s) => `  ${s}`));
  lines.push('recent order events:', ...stats.recentOrders.map((s) => `  ${s}`));
  if (stats.invalid > 0) lines.push(`(${stats.invalid} messages on unknown subjects)`);
  return lines.join('\n');
}
