import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus } from '@hyperflow/bus';
import { Net, subjects } from '@hyperflow/contracts';
import { sendControl } from './commands/control.js';
import { connectCli, parseReplayArgs, REPLAY_USAGE, replay } from './commands/replay.js';
import { schemas } from './commands/schemas.js';
import { setup } from './commands/setup.js';
import { collectStatus, formatStatus } from './commands/status.js';
import { tap } from './commands/tap.js';
import { up } from './commands/up.js';
import { CliError } from './errors.js';
import { runProvisionStep } from './stack/provision-step.js';
import { resolveNats } from './stack/session.js';

const USAGE = `usage: hyperflow <command>

  up [--net sim] [--for <seconds>] [--port-base 18080] [--strategies <file>] [--data-dir <dir>]
     [--cluster 3]                   start nats-server and every built service, with a live view
                                     (--strategies: a strategies document instead of the demo;
                                     --data-dir: NATS store, logs and key, default .hyperflow;
                                     --cluster: that many routed local servers, streams replicated)
  tap <subject> [--json]             print every message on a subject (wildcards allowed)
${REPLAY_USAGE}
  status [--json]                    every running service as a table: state, readiness and why,
                                     version, uptime, counters (--json: the raw answers)
  halt | resume | reduce-only [--target all|execution|strategy] [--reason text] [--net sim]
                                     send a control command (halt also cancels every open order)
  backtest <events.jsonl> --config <strategies.json> [--summary-only] [--no-fills]
                                     run the strategies over recorded events (same code as live)
  schemas [name] [--out dir]         print (or write) the JSON Schema of every contract
  setup [--force]                    write .env from .env.example with random NATS and Grafana
                                     passwords and their bcrypt hashes (--force: rotate them all)
  provision [--net sim]              create/update streams, buckets and consumers as the
                                     provisioner (NATS_URL, NATS_PROVISIONER_PASSWORD)

NATS is found through NATS_URL / NATS_USER / NATS_PASS, or the session of a running 'hyperflow up'.`;

// dist/main.js and src/main.ts both sit two levels below the repository root's packages/cli
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** `--strategies <file>`: an absolute path to a JSON document with a `strategies` array. */
function strategiesFileArg(args: string[]): string | undefined {
  if (!args.includes('--strategies')) return undefined;
  const arg = flag(args, '--strategies');
  if (arg === undefined || arg.startsWith('--')) throw new CliError('--strategies takes a file');
  const file = resolve(arg);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(`--strategies ${arg}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = (doc as { strategies?: unknown } | null)?.strategies;
  if (!Array.isArray(list) || list.length === 0) {
    throw new CliError(`--strategies ${arg}: expected {"strategies": [ … ]} with at least one strategy`);
  }
  return file;
}

async function connectFromSession() {
  const session = resolveNats(repoRoot, process.env);
  if (!session) throw new CliError("no NATS to talk to: start 'hyperflow up' or set NATS_URL");
  return connectBus({
    servers: session.url,
    name: 'hyperflow-cli',
    ...(session.user ? { user: session.user, pass: session.pass } : {}),
  });
}

/** The strategy service's backtest CLI, built, with this process's terminal. */
function runStrategyCli(args: string[]): Promise<number> {
  const entry = `${repoRoot}services/strategy/dist/cli/backtest.js`;
  if (!existsSync(entry)) throw new CliError(`${entry} is not built: run npm run build`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry, ...args], { stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'up': {
        const net = Net.safeParse(flag(rest, '--net') ?? 'sim');
        if (!net.success) throw new CliError('--net must be one of sim, testnet, mainnet');
        const forArg = flag(rest, '--for');
        const forSeconds = forArg === undefined ? undefined : Number(forArg);
        if (forSeconds !== undefined && !(forSeconds > 0))
          throw new CliError('--for takes a number of seconds');
        const portBase = Number(flag(rest, '--port-base') ?? 18_080);
        if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65_000) {
          throw new CliError('--port-base takes a port between 1024 and 65000');
        }
        const strategiesFile = strategiesFileArg(rest);
        const dataDirArg = rest.includes('--data-dir') ? flag(rest, '--data-dir') : undefined;
        if (rest.includes('--data-dir') && (dataDirArg === undefined || dataDirArg.startsWith('--')))
          throw new CliError('--data-dir takes a directory');
        const clusterArg = rest.includes('--cluster') ? flag(rest, '--cluster') : undefined;
        const cluster = clusterArg === undefined ? undefined : Number(clusterArg);
        if (rest.includes('--cluster') && !(cluster === 3 || cluster === 5))
          throw new CliError('--cluster takes 3 or 5 (the servers of a JetStream cluster with a quorum)');
        return await up({
          repoRoot,
          net: net.data,
          ...(forSeconds !== undefined ? { forSeconds } : {}),
          out: process.stdout,
          interactive: process.stdout.isTTY === true,
          portBase,
          ...(strategiesFile !== undefined ? { strategiesFile } : {}),
          ...(dataDirArg !== undefined ? { dataDir: resolve(dataDirArg) } : {}),
          ...(cluster !== undefined ? { cluster } : {}),
        });
      }
      case 'tap': {
        const subject = rest.find((a) => !a.startsWith('--'));
        if (!subject) throw new CliError('tap needs a subject, e.g. hyperflow tap "hl.sim.md.trade.>"');
        const nc = await connectFromSession();
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        await tap({ nc, subject, json: rest.includes('--json'), out: process.stdout, signal: abort.signal });
        await nc.drain();
        return 0;
      }
      case 'replay': {
        const parsed = parseReplayArgs(rest, process.env);
        // no --nats and no NATS_URL: the session of a running 'hyperflow up', as tap uses
        const session = parsed.connection.url === undefined ? resolveNats(repoRoot, process.env) : undefined;
        if (parsed.connection.url === undefined && !session) {
          throw new CliError(
            "replay: no NATS to talk to: pass --nats <url>, set NATS_URL or start 'hyperflow up'",
          );
        }
        const nc = await connectCli(
          session
            ? { url: session.url, ...(session.user ? { user: session.user, pass: session.pass } : {}) }
            : { ...parsed.connection, url: parsed.connection.url as string },
        );
        const abort = new AbortController();
        process.once('SIGINT', () => abort.abort());
        try {
          const r = await replay({
            nc,
            ...parsed,
            liveRoot: parsed.root,
            out: process.stdout,
            signal: abort.signal,
          });
          if (parsed.republish !== undefined) {
            process.stderr.write(
              `replayed ${r.count} message(s) of ${r.stream}${r.count ? ` (#${r.firstSeq}..#${r.lastSeq})` : ''} under ${parsed.republish}\n`,
            );
          }
        } finally {
          await nc.drain();
        }
        return 0;
      }
      case 'status': {
        const nc = await connectFromSession();
        const reports = await collectStatus(nc);
        process.stdout.write(
          `${rest.includes('--json') ? JSON.stringify(reports) : formatStatus(reports, Date.now())}\n`,
        );
        await nc.drain();
        return 0;
      }
      case 'halt':
      case 'resume':
      case 'reduce-only': {
        const net = Net.safeParse(flag(rest, '--net') ?? 'sim');
        if (!net.success) throw new CliError('--net must be one of sim, testnet, mainnet');
        const target = flag(rest, '--target') ?? 'all';
        if (target !== 'all' && target !== 'execution' && target !== 'strategy') {
          throw new CliError('--target must be one of all, execution, strategy');
        }
        const nc = await connectFromSession();
        const sent = await sendControl({
          nc,
          net: net.data,
          type: command === 'reduce-only' ? 'reduceOnly' : command,
          target,
          reason: flag(rest, '--reason') ?? `${command} from the hyperflow CLI`,
          by: `cli:${userInfo().username}`,
          nowMs: Date.now(),
        });
        process.stdout.write(`sent ${sent.type} to ${subjects(net.data).control(target)} (${sent.id})\n`);
        await nc.drain();
        return 0;
      }
      case 'backtest':
        return await runStrategyCli(rest);
      case 'schemas': {
        const name = rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--out');
        const outDir = flag(rest, '--out');
        return schemas({ ...(name ? { name } : {}), ...(outDir ? { outDir } : {}), out: process.stdout });
      }
      case 'setup': {
        const target = setup({
          example: `${repoRoot}.env.example`,
          target: `${repoRoot}.env`,
          force: rest.includes('--force'),
        });
        process.stdout.write(`hyperflow: wrote ${target} (mode 0600) with fresh secrets\n`);
        return 0;
      }
      case 'provision': {
        const net = Net.safeParse(flag(rest, '--net') ?? 'sim');
        if (!net.success) throw new CliError('--net must be one of sim, testnet, mainnet');
        const url = process.env.NATS_URL;
        const password = process.env.NATS_PROVISIONER_PASSWORD;
        if (!url || !password) throw new CliError('provision needs NATS_URL and NATS_PROVISIONER_PASSWORD');
        process.stdout.write(`${await runProvisionStep({ url, password, net: net.data })}\n`);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 1 : 0;
      default:
        throw new CliError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`hyperflow: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
