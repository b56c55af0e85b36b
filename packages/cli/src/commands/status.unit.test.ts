import { describe, expect, it } from 'vitest';
import { formatStatus, formatUptime, type ServiceReport } from './status.js';

const NOW = Date.parse('2026-12-02T12:00:00.000Z');
const answer = (over: Record<string, unknown>) => ({
  name: 'x',
  version: '0.1.0',
  id: 'x',
  healthy: true,
  ready: true,
  reasons: [],
  startedAt: '2026-12-02T09:55:00.000Z',
  stats: null,
  ...over,
});

describe('formatStatus', () => {
  it('renders one aligned row per instance with readiness, uptime and counters', () => {
    const reports: ServiceReport[] = [
      {
        name: 'execution',
        id: 'AbCdEfGh12345678',
        version: '0.1.0',
        status: answer({
          ready: false,
          reasons: ['venue connecting', 'nats disconnected'],
          startedAt: '2026-12-02T11:59:48.000Z',
          stats: { mode: 'normal', openOrders: 2, consumer: { received: 10, acked: 9 }, skipped: null },
        }),
      },
      {
        name: 'ingestor',
        id: 'ZyXwVuTs',
        version: '0.2.0',
        status: answer({ stats: { sent: 1200, acked: 1199, duplicates: 0, failed: 1, inFlight: 0 } }),
      },
    ];
    expect(formatStatus(reports, NOW).split('\n')).toEqual([
      'SERVICE    INSTANCE  STATE  READINESS                                       VERSION  UPTIME  COUNTERS',
      'execution  AbCdEfGh  up     not ready: venue connecting; nats disconnected  0.1.0    12s     mode=normal openOrders=2 consumer.received=10 consumer.acked=9',
      'ingestor   ZyXwVuTs  up     ready                                           0.2.0    2h 05m  sent=1200 acked=1199 duplicates=0 failed=1 inFlight=0',
    ]);
  });

  it('shows at most six counters and how many more there are', () => {
    const stats = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`c${i}`, i]));
    const table = formatStatus([{ name: 's', id: 'i', version: '1', status: answer({ stats }) }], NOW);
    expect(table.split('\n')[1]).toMatch(/c0=0 c1=1 c2=2 c3=3 c4=4 c5=5 \+3$/);
  });

  it('says when an instance has no status endpoint, did not answer, or answered something else', () => {
    const table = formatStatus(
      [
        { name: 'a', id: 'a1', version: '1' },
        { name: 'b', id: 'b1', version: '1', status: { error: 'TIMEOUT' } },
        { name: 'c', id: 'c1', version: '1', status: answer({ ready: 'yes', startedAt: 'today' }) },
      ],
      NOW,
    );
    expect(table.split('\n').slice(1)).toEqual([
      'a        a1        no status    -                                      1        -',
      'b        b1        unreachable  TIMEOUT                                1        -',
      'c        c1        bad status   unexpected answer at ready, startedAt  1        -',
    ]);
  });

  it('says so when nothing answered', () => {
    expect(formatStatus([], NOW)).toBe('no hyperflow service answered (is the stack up?)');
  });
});

describe('formatUptime', () => {
  it('keeps the two largest units', () => {
    expect(formatUptime(12_400)).toBe('12s');
    expect(formatUptime(4 * 60_000 + 7_000)).toBe('4m 07s');
    expect(formatUptime(2 * 3_600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(formatUptime(3 * 86_400_000 + 4 * 3_600_000 + 59 * 60_000)).toBe('3d 4h');
  });

  it('shows a clock skew (start after now) as unknown rather than a negative time', () => {
    expect(formatUptime(-1)).toBe('-');
  });
});
