import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';

export interface ServiceReport {
  readonly name: string;
  readonly id: string;
  readonly version: string;
  readonly status?: unknown;
}

/**
 * `hyperflow status`: every service that registered as a NATS micro service answers discovery;
 * each one's `status` endpoint adds its health and readiness.
 */
export async function collectStatus(nc: NatsConnection, timeoutMs = 1500): Promise<ServiceReport[]> {
  const client = new Svcm(nc).client({ strategy: 'timer', maxWait: timeoutMs });
  const infos = await client.info();
  const reports: ServiceReport[] = [];
  for await (const info of infos) {
    const statusEndpoint = info.endpoints.find((e) => e.name === 'status');
    let status: unknown;
    if (statusEndpoint) {
      try {
        status = (await nc.request(statusEndpoint.subject, '', { timeout: timeoutMs })).json();
      } catch (err) {
        status = { error: (err as Error).message };
      }
    }
    reports.push({ name: info.name, id: info.id, version: info.version, status });
  }
  return reports.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** What a service's `status` endpoint answers (`ServiceStatus` in `@hyperflow/service`), as far as the table reads it. */
const StatusAnswer = z.object({
  ready: z.boolean(),
  reasons: z.array(z.string()),
  startedAt: z.iso.datetime(),
  stats: z.unknown(),
});
const StatusError = z.object({ error: z.string() });

/** counters shown per row; the rest are counted in a `+N` and stay in `--json` */
const MAX_COUNTERS = 6;

interface Row {
  readonly service: string;
  readonly instance: string;
  readonly state: string;
  readonly readiness: string;
  readonly version: string;
  readonly uptime: string;
  readonly counters: string;
}

/**
 * The operator's table: one row per service instance, columns padded to the widest cell. A status
 * answer that is missing, an error or not the expected shape shows as such in the state column.
 */
export function formatStatus(reports: readonly ServiceReport[], nowMs: number): string {
  if (reports.length === 0) return 'no hyperflow service answered (is the stack up?)';
  const header: Row = {
    service: 'SERVICE',
    instance: 'INSTANCE',
    state: 'STATE',
    readiness: 'READINESS',
    version: 'VERSION',
    uptime: 'UPTIME',
    counters: 'COUNTERS',
  };
  const rows = [header, ...reports.map((r) => toRow(r, nowMs))];
  const cols = Object.keys(header) as (keyof Row)[];
  const width = (c: keyof Row) => Math.max(...rows.map((r) => r[c].length));
  const widths = cols.map(width);
  return rows
    .map((r) =>
      cols
        .map((c, i) => (i === cols.length - 1 ? r[c] : r[c].padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function toRow(r: ServiceReport, nowMs: number): Row {
  const base = { service: r.name, instance: r.id.slice(0, 8), version: r.version };
  const none = { uptime: '-', counters: '' };
  if (r.status === undefined) {
    return { ...base, ...none, state: 'no status', readiness: '-' };
  }
  const failed = StatusError.safeParse(r.status);
  if (failed.success) return { ...base, ...none, state: 'unreachable', readiness: failed.data.error };
  const answer = StatusAnswer.safeParse(r.status);
  if (!answer.success) {
    const where = answer.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    return { ...base, ...none, state: 'bad status', readiness: `unexpected answer at ${where}` };
  }
  const s = answer.data;
  return {
    ...base,
    state: 'up',
    readiness: s.ready ? 'ready' : `not ready: ${s.reasons.join('; ')}`,
    uptime: formatUptime(nowMs - Date.parse(s.startedAt)),
    counters: formatCounters(s.stats),
  };
}

/** `3d 4h`, `2h 05m`, `4m 07s`, `12s`. */
export function formatUptime(ms: number): string {
  if (!(ms >= 0)) return '-';
  const sec = Math.floor(ms / 1000);
  const d = Math.floor(sec / 86_400);
  const h = Math.floor((sec % 86_400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const ss = sec % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(ss)}s`;
  return `${ss}s`;
}

/** Scalar leaves of a service's stats as `path=value`, in the service's own order. */
function formatCounters(stats: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') {
      out.push(`${path}=${v}`);
    } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, child] of Object.entries(v)) walk(child, path === '' ? k : `${path}.${k}`);
    }
  };
  walk(stats, '');
  const shown = out.slice(0, MAX_COUNTERS).join(' ');
  return out.length > MAX_COUNTERS ? `${shown} +${out.length - MAX_COUNTERS}` : shown;
}
