import type { Logger } from '@hyperflow/core';
import { describe, expect, inject, it } from 'vitest';
import { connectBus } from './connect.js';
import { BusError } from './errors.js';

function recordingLogger() {
  const lines: { level: string; msg: string; obj: object }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg: string): void => {
      lines.push({ level, msg, obj });
    };
  const log: Logger = { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
  return { log, lines };
}

describe('connectBus', () => {
  it('opens a named connection and reports its status to the logger', async () => {
    const { log, lines } = recordingLogger();
    const nc = await connectBus({ servers: inject('natsUrl'), name: 'bus-connect-test', log });
    // the options the client really runs with (not on the public interface)
    const { options } = nc as unknown as { options: Record<string, unknown> };
    expect(options).toMatchObject({
      name: 'bus-connect-test',
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
    });
    expect(await nc.rtt()).toBeGreaterThanOrEqual(0);
    await nc.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.map((l) => l.msg)).toEqual(['nats connected', 'nats connection closed']);
  });

  it('refuses an empty server list', async () => {
    await expect(connectBus({ servers: [], name: 'x' })).rejects.toBeInstanceOf(BusError);
  });
});
