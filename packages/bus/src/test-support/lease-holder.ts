// A lease holder in a process of its own, for the presence tests (a crash is a SIGKILL; a stalled
// event loop stalls only this process). Env: NATS_URL, LEASE_BUCKET, LEASE_ROOT, LEASE_KEY,
// LEASE_HOLDER, LEASE_TTL_MS. Prints `held` once it holds the lease; reads commands on stdin:
// `block <ms>` busy-waits that long, then prints `unblocked <isHeld>`; `status` prints `status <isHeld>`.
import { createInterface } from 'node:readline';
import { connect } from '@nats-io/transport-node';
import { openLeaseBucket } from '../lease.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};

const nc = await connect({ servers: env('NATS_URL'), name: 'lease-holder-child' });
const bucket = await openLeaseBucket(nc, env('LEASE_BUCKET'));
const lease = bucket.lease<{ n: number }>({
  key: env('LEASE_KEY'),
  holderId: env('LEASE_HOLDER'),
  ttlMs: Number(env('LEASE_TTL_MS')),
  presence: { root: env('LEASE_ROOT') },
  onLost: (reason) => process.stdout.write(`lost ${reason}\n`),
});
await lease.acquire({ data: () => ({ n: 1 }) });
process.stdout.write(`held ${lease.presenceSubject ?? '-'}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.trim().split(' ');
  if (cmd === 'block') {
    const until = performance.now() + Number(arg);
    while (performance.now() < until) {
      // a stalled event loop: no timers, no socket reads, no presence answers
    }
    process.stdout.write(`unblocked ${lease.isHeld()}\n`);
  } else if (cmd === 'status') {
    process.stdout.write(`status ${lease.isHeld()}\n`);
  }
}
