#!/usr/bin/env node
// Runs nats-server (argv: the binary and its arguments) and never lets it outlive `hyperflow up`.
// nats-server cannot watch its parent, and it takes SIGHUP (a closed terminal) as "reload the
// config", so it kept running after the terminal was gone. This guard stops it (SIGTERM, then
// SIGKILL after a grace period) on SIGTERM, and when stdin closes: `up` holds the other end of that
// pipe, which the kernel closes however `up` dies, kill -9 included.
//
// The server runs in its own process group and the guard ignores SIGINT and SIGHUP: Ctrl-C or a
// closed terminal reach `up`, which stops the services first and the server last (SIGTERM here), so
// the services drain while NATS is still up; if `up` is gone instead, stdin has closed.
import { spawn } from 'node:child_process';

const GRACE_MS = 10_000;
const [bin, ...args] = process.argv.slice(2);
if (bin === undefined) {
  process.stderr.write('usage: nats-guard.js <nats-server> [args...]\n');
  process.exit(2);
}
const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  child.kill('SIGTERM');
  setTimeout(() => child.kill('SIGKILL'), GRACE_MS).unref();
};
process.on('SIGTERM', stop);
for (const signal of ['SIGINT', 'SIGHUP']) process.on(signal, () => {});
for (const event of ['end', 'close', 'error']) process.stdin.once(event, stop);
process.stdin.on('data', () => {}).resume();
child.once('error', (err) => {
  process.stderr.write(`cannot run ${bin}: ${err.message}\n`);
  process.exit(127);
});
child.once('exit', (code, signal) => process.exit(code ?? (signal === 'SIGTERM' ? 0 : 1)));
