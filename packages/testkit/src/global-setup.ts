import type { TestProject } from 'vitest/node';
import { type NatsHandle, startNats } from './nats.js';

declare module 'vitest' {
  export interface ProvidedContext {
    natsUrl: string;
  }
}

// Every vitest project runs this global setup; they share one server per run through a
// process-wide slot, started by the first and stopped by the last.
interface Shared {
  handle: Promise<NatsHandle>;
  users: number;
}
const slot = globalThis as typeof globalThis & { __hyperflowNats?: Shared };

/** Vitest global setup: one nats-server per test run, its URL provided as `natsUrl`. */
export async function setup(project: TestProject): Promise<void> {
  slot.__hyperflowNats ??= { handle: startNats(), users: 0 };
  slot.__hyperflowNats.users += 1;
  project.provide('natsUrl', (await slot.__hyperflowNats.handle).url);
}

export async function teardown(): Promise<void> {
  const shared = slot.__hyperflowNats;
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  slot.__hyperflowNats = undefined;
  await (await shared.handle).stop();
}
