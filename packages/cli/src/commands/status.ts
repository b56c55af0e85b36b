import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';

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

export function formatStatus(reports: readonly ServiceReport[]): string {
  if (reports.length === 0) return 'no hyperflow service answered (is the stack up?)';
  return reports
    .map((r) => `${r.name.padEnd(12)} ${r.id.slice(0, 8)} v${r.version}  ${JSON.stringify(r.status ?? {})}`)
    .join('\n');
}
