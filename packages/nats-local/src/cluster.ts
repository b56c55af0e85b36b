// A JetStream cluster of local nats-server processes: routes on loopback, fixed ports per node
// (so a node restarted after `kill -9` comes back where clients and routes expect it), one store
// dir per node. Leaders are read from each node's monitoring port (/jsz), which needs no
// credentials, and a leader counts only when the node itself says so.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsLocalError } from './errors.js';
import { locateNatsServer } from './locate.js';

export interface ClusterOptions {
  /** servers in the cluster; default 3 */
  readonly size?: number;
  /**
   * a nats-server config (users, limits) with JetStream, taking `server_name` from $NATS_SERVER_NAME
   * and the store dir from $NATS_STORE_DIR (as infra/nats/nats.conf does); listen addresses, ports
   * and routes come from flags
   */
  readonly configFile?: string;
  /** extra environment for every server (variables the config file references) */
  readonly env?: Readonly<Record<string, string>>;
  /** each node's store goes to `<dataDir>/<node name>`; default a fresh temp dir, removed by `stop` */
  readonly dataDir?: string;
  /** cluster name, also the prefix of the server names; default `hyperflow` */
  readonly name?: string;
  /** where infra/nats/versions.json and .hyperflow/bin are; default this repository */
  readonly repoRoot?: string;
  /** how long to wait for a server to start and for the cluster to elect a meta leader; default 30 s */
  readonly readyTimeoutMs?: number;
}

export interface ClusterNode {
  /** server name (`<cluster>-<n>`), as /jsz names leaders */
  readonly name: string;
  /** `nats://127.0.0.1:<port>`, the same across restarts */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly monitorUrl: string;
  readonly running: boolean;
  /** SIGKILL: no shutdown, no leadership handover; resolves when the process is gone */
  kill(): Promise<void>;
  /** starts it again on the same ports and store; resolves when it is ready and healthy */
  restart(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: readonly ClusterNode[];
  /** every node's client URL (give all of them to a client so it can fail over) */
  readonly urls: readonly string[];
  /** the nats-server version running */
  readonly version: string;
  /** the meta (JetStream API) leader, when a running node says it is */
  metaLeader(): Promise<ClusterNode | undefined>;
  /** the leader of a stream, when a running node says it leads it */
  streamLeader(stream: string): Promise<ClusterNode | undefined>;
  /** waits for a meta leader other than `not`, with every running peer current */
  waitForMetaLeader(opts?: WaitOptions): Promise<ClusterNode>;
  /** waits for a stream leader other than `not`, with every running replica current */
  waitForStreamLeader(stream: string, opts?: WaitOptions): Promise<ClusterNode>;
  /** stops every node (SIGTERM, then SIGKILL) and removes the store if it made it */
  stop(): Promise<void>;
}

export interface WaitOptions {
  /** a leader that does not count (the one just killed, or the one to move away from) */
  readonly not?: ClusterNode;
  /** default the cluster's readyTimeoutMs */
  readonly timeoutMs?: number;
}

interface RaftPeer {
  readonly name: string;
  readonly current: boolean;
}
interface RaftGroup {
  readonly leader?: string;
  readonly replicas?: readonly RaftPeer[];
}
interface Jsz {
  readonly meta_cluster?: RaftGroup & { readonly cluster_size?: number };
  readonly account_details?: readonly {
    readonly stream_detail?: readonly { readonly name: string; readonly cluster?: RaftGroup }[];
  }[];
}

const LOG_KEEP = 64 * 1024;

/** Starts `size` nats-servers with JetStream as one cluster and waits for its meta leader. */
export async function startNatsCluster(opts: ClusterOptions = {}): Promise<NatsCluster> {
  // the free ports are found before the servers bind them: another process may win one meanwhile
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt === 3) throw err;
    }
  }
}

class PortTaken extends NatsLocalError {
  override name = 'PortTaken';
}

async function startOnce(opts: ClusterOptions): Promise<NatsCluster> {
  const size = opts.size ?? 3;
  if (!Number.isInteger(size) || size < 1)
    throw new NatsLocalError(`cluster size must be a positive integer, got ${size}`);
  const name = opts.name ?? 'hyperflow';
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  const server = locateNatsServer(opts.repoRoot !== undefined ? { repoRoot: opts.repoRoot } : {});
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hyperflow-cluster-'));
  const ports = await freePorts(size * 3);
  const routePort = (i: number) => ports[size * 2 + i] as number;
  const routes = Array.from({ length: size }, (_, i) => `nats://127.0.0.1:${routePort(i)}`).join(',');

  const nodes = Array.from({ length: size }, (_, i) => {
    const nodeName = `${name}-${i + 1}`;
    const storeDir = join(dataDir, nodeName);
    mkdirSync(storeDir, { recursive: true });
    const clientPort = ports[i] as number;
    const monitorPort = ports[size + i] as number;
    // a config names the server and its store from the environment (as infra/nats/nats.conf does):
    // nats-server refuses the same setting from both the file and a flag
    const own =
      opts.configFile !== undefined ? ['-c', opts.configFile] : ['-js', '-sd', storeDir, '-n', nodeName];
    const args = [
      ...own,
      ...['-a', '127.0.0.1', '-p', String(clientPort), '-m', String(monitorPort)],
      ...['--cluster_name', name, '--cluster', `nats://127.0.0.1:${routePort(i)}`, '--routes', routes],
    ];
    const env = { ...process.env, NATS_SERVER_NAME: nodeName, NATS_STORE_DIR: storeDir, ...opts.env };
    return new LocalNode(server.bin, args, env, nodeName, clientPort, monitorPort, timeoutMs);
  });

  const cluster: NatsCluster = {
    nodes,
    urls: nodes.map((n) => n.url),
    version: server.version,
    metaLeader: async () => (await observeMeta(nodes)).leader,
    streamLeader: async (stream) => (await observeStream(nodes, stream)).leader,
    waitForMetaLeader: (w = {}) =>
      waitUntil(
        `a meta leader${w.not ? ` other than ${w.not.name}` : ''}`,
        w.timeoutMs ?? timeoutMs,
        async () => {
          const seen = await observeMeta(nodes);
          return {
            value: seen.leader !== w.not && seen.allCurrent ? seen.leader : undefined,
            seen: seen.detail,
          };
        },
      ),
    waitForStreamLeader: (stream, w = {}) =>
      waitUntil(
        `a leader of stream ${stream}${w.not ? ` other than ${w.not.name}` : ''}`,
        w.timeoutMs ?? timeoutMs,
        async () => {
          const seen = await observeStream(nodes, stream);
          return {
            value: seen.leader !== w.not && seen.allCurrent ? seen.leader : undefined,
            seen: seen.detail,
          };
        },
      ),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.waitForMetaLeader();
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

class LocalNode implements ClusterNode {
  readonly url: string;
  readonly monitorUrl: string;
  #child: ChildProcess | undefined;
  #log = '';

  constructor(
    readonly bin: string,
    readonly args: readonly string[],
    readonly env: NodeJS.ProcessEnv,
    readonly name: string,
    clientPort: number,
    monitorPort: number,
    readonly timeoutMs: number,
  ) {
    this.url = `nats://127.0.0.1:${clientPort}`;
    this.monitorUrl = `http://127.0.0.1:${monitorPort}`;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** the end of this node's log (for error messages) */
  get log(): string {
    return this.#log;
  }

  async start(): Promise<void> {
    if (this.running) throw new NatsLocalError(`${this.name} is already running`);
    this.#log = '';
    const child = spawn(this.bin, [...this.args], { env: this.env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    // a parent that dies without stop() (a crashed test worker) must not leave servers behind
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-LOG_KEEP);
    });
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        clearInterval(poll);
        child.removeListener('exit', onExit);
        if (err) reject(err);
        else resolve();
      };
      const onExit = (code: number | null) => {
        const Err = /address already in use/i.test(this.#log) ? PortTaken : NatsLocalError;
        done(new Err(`${this.name} exited with ${code} while starting:\n${this.#log}`));
      };
      const timer = setTimeout(
        () => done(new NatsLocalError(`${this.name} not ready in ${this.timeoutMs} ms:\n${this.#log}`)),
        this.timeoutMs,
      );
      const poll = setInterval(() => {
        if (this.#log.includes('Server is ready')) done();
      }, 20);
      child.once('error', (err) =>
        done(new NatsLocalError(`cannot run ${this.bin}: ${err.message}`, { cause: err })),
      );
      child.once('exit', onExit);
    });
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.start();
    await waitUntil(`${this.name} healthy after restart`, this.timeoutMs, async () => {
      const res = await httpGet(`${this.monitorUrl}/healthz`);
      return { value: res?.status === 200 ? true : undefined, seen: res?.body ?? 'no answer' };
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

interface Observation {
  readonly leader: ClusterNode | undefined;
  /** every running node other than the leader is a current peer in the leader's view */
  readonly allCurrent: boolean;
  readonly detail: string;
}

async function jsz(node: LocalNode, query = ''): Promise<Jsz | undefined> {
  if (!node.running) return undefined;
  const res = await httpGet(`${node.monitorUrl}/jsz${query}`);
  if (res?.status !== 200) return undefined;
  try {
    return JSON.parse(res.body) as Jsz;
  } catch {
    return undefined; // a node still starting: no answer yet, like a refused connection
  }
}

/** The group a node itself leads (its own view names it), and whether its peers are current. */
function judge(nodes: readonly LocalNode[], views: readonly (RaftGroup | undefined)[]): Observation {
  const detail = nodes
    .map((n, i) => `${n.name}: ${n.running ? JSON.stringify(views[i] ?? null) : 'down'}`)
    .join('; ');
  const i = nodes.findIndex((n, k) => n.running && views[k]?.leader === n.name);
  const leader = nodes[i];
  if (leader === undefined) return { leader: undefined, allCurrent: false, detail };
  const peers = views[i]?.replicas ?? [];
  const allCurrent = nodes.every(
    (n) => n === leader || !n.running || peers.some((p) => p.name === n.name && p.current),
  );
  return { leader, allCurrent, detail };
}

async function observeMeta(nodes: readonly LocalNode[]): Promise<Observation> {
  const views = await Promise.all(nodes.map(async (n) => (await jsz(n))?.meta_cluster));
  return judge(nodes, views);
}

async function observeStream(nodes: readonly LocalNode[], stream: string): Promise<Observation> {
  const views = await Promise.all(
    nodes.map(async (n) => {
      const doc = await jsz(n, '?accounts=true&streams=true');
      for (const account of doc?.account_details ?? []) {
        const s = account.stream_detail?.find((d) => d.name === stream);
        if (s) return s.cluster;
      }
      return undefined;
    }),
  );
  return judge(nodes, views);
}

async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<{ value: T | undefined; seen: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    const r = await probe();
    if (r.value !== undefined) return r.value;
    seen = r.seen;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new NatsLocalError(`no ${what} within ${timeoutMs} ms; last seen: ${seen}`);
}

function httpGet(url: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve(undefined));
    });
    // a node that is down or still starting has no answer: that is an observation, not an error
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
  });
}

/** Distinct free loopback ports, all held until every one is found. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new NatsLocalError('no port from a loopback listener');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}
