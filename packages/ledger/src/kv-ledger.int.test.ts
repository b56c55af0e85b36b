import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testScope } from '@hyperflow/testkit';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { describe, expect, inject, it } from 'vitest';

const spender = fileURLToPath(new URL('./test-support/spender.ts', import.meta.url));

function spend(args: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', spender, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(err)),
    );
  });
}

describe('the per-IP budget shared through NATS KV by separate processes', () => {
  it('three processes each wanting 1000 weight in one window get the limit together, and not one unit more', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const bucket = `${testScope('ledger').streamPrefix}ratelimit`;
    await new Kvm(jetstream(nc)).create(bucket, { history: 1 });
    try {
      // the venue's window (60 s) with a smaller limit; all three processes start together
      const limit = 300;
      const windowMs = 60_000;
      const runMs = 5000;
      const all = await Promise.all(
        [1, 2, 3].map(() =>
          spend([inject('natsUrl'), bucket, String(limit), String(windowMs), '1000', String(runMs)]),
        ),
      );
      const total = all.reduce((n, g) => n + g.length, 0);
      const counts = JSON.stringify(all.map((g) => g.length));
      // 3000 wanted inside one window: the three together got the limit and not one unit more
      expect(total, counts).toBeLessThanOrEqual(limit);
      // and the budget was spent, not stranded in unused leases (at most one chunk per process idle)
      expect(total, counts).toBeGreaterThanOrEqual(limit - 3 * 10);
    } finally {
      await (await jetstreamManager(nc)).streams.delete(`KV_${bucket}`).catch(() => undefined);
      await nc.close();
    }
  }, 60_000);
});
