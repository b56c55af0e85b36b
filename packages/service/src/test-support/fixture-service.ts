// A tiny service for the kit's process tests: run with `node --conditions=source --import tsx`.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { envBool, envInt, envUrl, runService, type ServiceContext } from '../index.js';
import { FIXTURE_KEY } from './spawn-fixture.js';

const Config = z.object({
  NATS_URL: envUrl({ protocols: ['nats'] }).optional(),
  FIXTURE_SECRET: z.string().min(16, 'expected at least 16 characters'),
  FIXTURE_BYE_SUBJECT: z.string().default('fixture.bye'),
  FIXTURE_BYE_COUNT: envInt({ min: 0 }).default(1),
  FIXTURE_HANG_ON_STOP: envBool().default(false),
  FIXTURE_FAIL_START: envBool().default(false),
});
type Config = z.infer<typeof Config>;

async function start(ctx: ServiceContext<Config>): Promise<void> {
  const work = ctx.metrics.counter({ name: 'fixture_work_total', help: 'work items done' });
  work.inc(3);
  ctx.setStats(() => ({ workDone: 3 }));
  ctx.setReady(false, 'waiting for go on stdin');
  // Resolves only when the connection is closed before the process exits: the kit's drain does that.
  void ctx.nc?.closed().then(() => ctx.log.info('nats connection closed'));

  // The test says when to become ready, so it can see /readyz answer 503 first.
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    if (chunk.includes('ready')) ctx.setReady(true);
  });
  ctx.onShutdown(() => {
    process.stdin.destroy();
    ctx.log.info({ hook: 'first-registered' }, 'stop hook ran');
  });
  ctx.onShutdown(async () => {
    // In-flight work finishing, then a burst of last messages that must all get out before exit.
    await new Promise((r) => setTimeout(r, 50));
    const payload = 'x'.repeat(1024);
    for (let i = 0; i < ctx.config.FIXTURE_BYE_COUNT; i++)
      ctx.nc?.publish(ctx.config.FIXTURE_BYE_SUBJECT, payload);
    ctx.log.info({ hook: 'last-registered' }, 'stop hook ran');
  });
  if (ctx.config.FIXTURE_FAIL_START) throw new Error(`cannot load wallet ${FIXTURE_KEY}`);
  if (ctx.config.FIXTURE_HANG_ON_STOP) ctx.onShutdown(() => new Promise<void>(() => {}), 'hang');
}

await runService<typeof Config, NatsConnection | undefined>({
  name: process.env.FIXTURE_NAME ?? 'fixture',
  version: '1.2.3',
  description: 'service kit test fixture',
  metadata: { role: 'fixture' },
  configSchema: Config,
  connectNats: async (config) =>
    config.NATS_URL ? connect({ servers: config.NATS_URL, name: 'fixture' }) : undefined,
  start,
});
