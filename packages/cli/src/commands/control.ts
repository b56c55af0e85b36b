import { randomUUID } from 'node:crypto';
import { ControlCommand, type Net, parse, subjects } from '@hyperflow/contracts';
import type { NatsConnection } from '@nats-io/transport-node';

export interface ControlOptions {
  readonly nc: NatsConnection;
  readonly net: Net;
  readonly type: 'halt' | 'resume' | 'reduceOnly';
  readonly target: 'all' | 'execution' | 'strategy';
  readonly reason: string;
  readonly by: string;
  readonly nowMs: number;
  /** subject root; the contract's `hl` unless a test isolates itself */
  readonly root?: string;
}

/**
 * `hyperflow halt|resume|reduce-only`: a validated ControlCommand on `hl.<net>.ctl.<target>`,
 * published through JetStream (stream CONTROL) so the command is on record and acknowledged.
 */
export async function sendControl(opts: ControlOptions): Promise<ControlCommand> {
  const command = parse(ControlCommand, {
    type: opts.type,
    v: 1,
    net: opts.net,
    id: `ctl:${randomUUID()}`,
    by: opts.by,
    reason: opts.reason,
    atMs: opts.nowMs,
  });
  const { jetstream } = await import('@nats-io/jetstream');
  await jetstream(opts.nc).publish(
    subjects(opts.net, opts.root).control(opts.target),
    JSON.stringify(command),
    {
      msgID: command.id,
    },
  );
  return command;
}
