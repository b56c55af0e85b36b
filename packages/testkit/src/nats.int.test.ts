import { connect } from '@nats-io/transport-node';
import { describe, expect, inject, it } from 'vitest';
import { startNats } from './nats.js';

describe('startNats', () => {
  it('the run-wide server from global setup accepts connections', async () => {
    const nc = await connect({ servers: inject('natsUrl') });
    const rtt = await nc.rtt();
    expect(rtt).toBeGreaterThanOrEqual(0);
    await nc.close();
  });

  it('starts a second private server and stops it without leaving it reachable', async () => {
    const nats = await startNats();
    const nc = await connect({ servers: nats.url });
    await nc.flush();
    await nc.close();
    await nats.stop();
    await expect(connect({ servers: nats.url, reconnect: false, timeout: 500 })).rejects.toThrow();
  });
});
