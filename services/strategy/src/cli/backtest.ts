#!/usr/bin/env node
/**
 * Backtest/replay: runs the configured strategies over recorded events, exactly as the live
 * service would, and prints every signal (one JSON per line) then a P&L summary (`# ` lines).
 * Fills are assumed at the next trade of the coin (see `backtest()`); `--no-fills` replays
 * without simulated fills (the signals the live service emits with no account feed).
 *
 *   node --conditions=source --import tsx services/strategy/src/cli/backtest.ts \
 *     <events.jsonl> --config <strategies.json> [--summary-only] [--no-fills]
 *   … --config <strategies.json> --nats nats://127.0.0.1:4222 --net sim \
 *     --from 2026-11-24T10:00:00Z [--to 2026-11-24T12:00:00Z] [--root hl] [--prefix '']
 *     [--user <u> --pass <p> | --token <t> | --creds <file>]
 *   NATS: --nats, else NATS_URL; credentials: the flags, else NATS_USER/NATS_PASS, NATS_TOKEN,
 *   NATS_CREDS_FILE (the variables the services and `hyperflow tap` read).
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Net, parse } from '@hyperflow/contracts';
import { type ConnectionOptions, connect, credsAuthenticator } from '@nats-io/transport-node';
import { backtest } from '../backtest/backtest.js';
import { parseEventsJsonl, summaryLines } from '../backtest/jsonl.js';
import { readMarketRange } from '../backtest/stream-source.js';
import { StrategyError } from '../errors.js';
import { loadStrategies } from '../host/catalog.js';
import { createHost } from '../host/host.js';
import { importStrategyModules } from '../host/import-modules.js';
import type { StrategyEvent } from '../strategies/strategy.js';

const USAGE = `usage: backtest <events.jsonl> --config <strategies.json> [--summary-only] [--no-fills]
       backtest --config <strategies.json> --nats <url> --from <time> [--to <time>] [--net sim] [--root hl] [--prefix ""]
                [--user <u> --pass <p> | --token <t> | --creds <file>]   (else NATS_URL, NATS_USER/NATS_PASS, NATS_TOKEN, NATS_CREDS_FILE)
       (times: ISO 8601 or epoch ms)\n`;

function time(s: string, what: string): number {
  const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(ms)) throw new StrategyError(`--${what}: not a time: ${s}`);
  return ms;
}

/** The flags as a set, else the environment: user/pass, token or a creds file. */
function auth(v: {
  user?: string;
  pass?: string;
  token?: string;
  creds?: string;
}): Partial<ConnectionOptions> {
  const env = process.env;
  const flagged = v.user !== undefined || v.token !== undefined || v.creds !== undefined;
  if (v.pass !== undefined && v.user === undefined) throw new StrategyError('--pass needs --user');
  const user = v.user ?? (flagged ? undefined : env.NATS_USER || undefined);
  const pass = user === undefined ? undefined : (v.pass ?? env.NATS_PASS);
  if (user !== undefined && pass === undefined) throw new StrategyError('--user needs --pass (or NATS_PASS)');
  const token = v.token ?? (flagged ? undefined : env.NATS_TOKEN || undefined);
  const creds = v.creds ?? (flagged ? undefined : env.NATS_CREDS_FILE || undefined);
  return {
    ...(user !== undefined ? { user, pass } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(creds !== undefined ? { authenticator: credsAuthenticator(readFileSync(creds)) } : {}),
  };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      'summary-only': { type: 'boolean', default: false },
      'no-fills': { type: 'boolean', default: false },
      nats: { type: 'string' },
      net: { type: 'string', default: 'sim' },
      root: { type: 'string', default: 'hl' },
      prefix: { type: 'string', default: '' },
      from: { type: 'string' },
      to: { type: 'string' },
      user: { type: 'string' },
      pass: { type: 'string' },
      token: { type: 'string' },
      creds: { type: 'string' },
    },
  });
  const file = positionals[0];
  const natsUrl = values.nats ?? (file === undefined ? process.env.NATS_URL || undefined : undefined);
  const fromStream = natsUrl !== undefined && values.from !== undefined;
  if (values.config === undefined || (file === undefined) === !fromStream) {
    process.stderr.write(USAGE);
    return 2;
  }
  const doc: unknown = JSON.parse(readFileSync(values.config, 'utf8'));
  const host = createHost(loadStrategies(doc, await importStrategyModules(doc, dirname(values.config))));
  let events: StrategyEvent[];
  if (file !== undefined) {
    events = parseEventsJsonl(readFileSync(file, 'utf8'), file);
  } else {
    const nc = await connect({ servers: natsUrl as string, name: 'strategy-backtest', ...auth(values) });
    try {
      events = await readMarketRange(nc, {
        net: parse(Net, values.net, '--net'),
        root: values.root,
        streamPrefix: values.prefix,
        fromMs: time(values.from as string, 'from'),
        ...(values.to === undefined ? {} : { toMs: time(values.to, 'to') }),
      });
    } finally {
      await nc.close();
    }
  }
  const result = backtest(host, events, { simulateFills: !values['no-fills'] });
  const out: string[] = values['summary-only'] ? [] : result.signals.map((s) => JSON.stringify(s));
  out.push(...summaryLines(result).map((l) => `# ${l}`));
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`backtest: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
