import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { locateNatsServer, NatsLocalError, readNatsVersions } from '@hyperflow/nats-local';

export interface NatsHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** `binary` (local nats-server) or `container` (testcontainers) */
  readonly kind: 'binary' | 'container';
  stop(): Promise<void>;
}

export class TestkitError extends Error {
  override name = 'TestkitError';
}

/**
 * Starts a JetStream-enabled nats-server for tests: a container when a Docker engine answers,
 * otherwise the `nats-server` binary on a random loopback port in a fresh temp dir.
 * `HYPERFLOW_TEST_NATS=binary|container` forces one.
 */
export async function startNats(): Promise<NatsHandle> {
  const forced = process.env.HYPERFLOW_TEST_NATS;
  if (forced === 'container') return startContainer();
  if (forced !== 'binary' && (await dockerReachable())) {
    try {
      return await startContainer();
    } catch (err) {
      // an engine that answers /_ping but cannot run the image (no registry, no bridge, no
      // permission): the binary still gives a real server; only a forced container run fails
      process.stderr.write(
        `testkit: Docker engine reachable but the NATS container did not start (${(err as Error).message.split('\n')[0]}); using the nats-server binary\n`,
      );
    }
  }
  return startBinary();
}

/**
 * The nats-server binary the test kit runs: HYPERFLOW_NATS_SERVER, else the first of
 * <repo>/.hyperflow/bin, PATH and the sbin dirs whose `--version` is in infra/nats/versions.json's
 * range. Throws (naming the version found, the minimum and the install command) when there is none.
 */
export function findNatsServer(): string {
  try {
    return locateNatsServer().bin;
  } catch (err) {
    if (err instanceof NatsLocalError) throw new TestkitError(err.message, { cause: err });
    throw err;
  }
}

async function dockerReachable(): Promise<boolean> {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
  if (host && !host.startsWith('unix://')) return true; // tcp engine configured explicitly
  if (!existsSync(socketPath)) return false;
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * HYPERFLOW_TEST_NATS_NETWORK=host: the container shares the host's network (an engine without a
 * bridge, e.g. `dockerd --bridge=none`) and listens on a free loopback port instead of a mapped one.
 * HYPERFLOW_TEST_NATS_IMAGE names another image (a registry mirror, a locally built one).
 */
function natsImage(): string {
  return process.env.HYPERFLOW_TEST_NATS_IMAGE ?? readNatsVersions().image;
}

async function startContainer(): Promise<NatsHandle> {
  if (process.env.HYPERFLOW_TEST_NATS_NETWORK === 'host') return startHostContainer();
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(natsImage())
    .withCommand(['-js'])
    .withExposedPorts(4222)
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return {
    url: `nats://${container.getHost()}:${container.getMappedPort(4222)}`,
    kind: 'container',
    stop: async () => {
      await container.stop();
    },
  };
}

async function startHostContainer(): Promise<NatsHandle> {
  // on the host network the container's host is loopback; testcontainers would otherwise look for
  // the gateway of a `bridge` network, which such an engine does not have
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freeLoopbackPort();
  const container = await new GenericContainer(natsImage())
    .withNetworkMode('host')
    .withCommand(['-js', '-a', '127.0.0.1', '-p', String(port)])
    .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
    .start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kind: 'container',
    stop: async () => {
      await container.stop();
    },
  };
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface BinaryOptions {
  /** a nats-server config file; its port and monitor port are overridden with random ones */
  readonly configFile?: string;
  /** extra environment for the server (variables the config file references) */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the local `nats-server` binary with JetStream in a fresh temp dir (always the binary). */
export async function startNatsBinary(options: BinaryOptions = {}): Promise<NatsHandle> {
  return startBinary(options);
}

async function startBinary(options: BinaryOptions = {}): Promise<NatsHandle> {
  const bin = findNatsServer();
  const dir = mkdtempSync(join(tmpdir(), 'hyperflow-nats-'));
  const args = options.configFile
    ? ['-c', options.configFile, '-a', '127.0.0.1', '-p', '-1', '-m', '-1']
    : ['-a', '127.0.0.1', '-p', '-1', '-js', '-sd', dir];
  const child = spawn(bin, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NATS_STORE_DIR: dir, NATS_SERVER_NAME: 'hyperflow-test', ...options.env },
  });
  // keep draining the log so a chatty server never blocks on a full pipe
  child.stderr?.resume();
  try {
    const port = await waitForPort(child);
    return {
      url: `nats://127.0.0.1:${port}`,
      kind: 'binary',
      stop: () => stopChild(child, dir),
    };
  } catch (err) {
    await stopChild(child, dir);
    throw err;
  }
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    let settled = false;
    const settle = (err: Error | undefined, port?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stderr?.removeListener('data', onData);
      if (err) reject(err);
      else resolve(port as number);
    };
    const timer = setTimeout(() => settle(new TestkitError(`nats-server not ready in 15s:\n${log}`)), 15_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /Listening for client connections on [^\s]*:(\d+)/.exec(log);
      if (m?.[1] && log.includes('Server is ready')) settle(undefined, Number(m[1]));
    };
    child.once('error', (err) => settle(err));
    child.once('exit', (code) => settle(new TestkitError(`nats-server exited with ${code}:\n${log}`)));
    child.stderr?.on('data', onData);
  });
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timeout);
  }
  rmSync(dir, { recursive: true, force: true });
}
