// Which nats-server binary to run, and whether it is new enough: the same answer for the test
// kit, `hyperflow up` and the bench, from the same file (infra/nats/versions.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NatsLocalError } from './errors.js';
import {
  INSTALL_COMMAND,
  isSupported,
  type NatsVersions,
  parseNatsVersions,
  unsupportedMessage,
  versionFromOutput,
} from './versions.js';

// src/ and dist/ both sit two levels below the repository root's packages/nats-local
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function readNatsVersions(repoRoot: string = REPO_ROOT): NatsVersions {
  const file = join(repoRoot, 'infra/nats/versions.json');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new NatsLocalError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  return parseNatsVersions(doc, file);
}

export interface NatsServerBinary {
  readonly bin: string;
  readonly version: string;
}

/** `bin --version`, parsed; throws when it does not run or prints no version. */
export function serverVersion(bin: string): string {
  let out: string;
  try {
    out = execFileSync(bin, ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new NatsLocalError(
      `cannot run ${bin} --version: ${err instanceof Error ? err.message : String(err)}`,
      {
        cause: err,
      },
    );
  }
  const version = versionFromOutput(out);
  if (!version)
    throw new NatsLocalError(`${bin} --version printed no version: ${JSON.stringify(out.trim())}`);
  return version;
}

export interface LocateOptions {
  /** default: this repository */
  readonly repoRoot?: string;
  /** default: process.env (HYPERFLOW_NATS_SERVER, PATH) */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Where to look, in order: HYPERFLOW_NATS_SERVER alone when it is set (an explicit choice is never
 * second-guessed), else `<repo>/.hyperflow/bin` (where scripts/install-nats.sh puts one), PATH and
 * the sbin dirs distribution packages use.
 */
export function natsServerCandidates(opts: LocateOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const explicit = env.HYPERFLOW_NATS_SERVER;
  if (explicit) return [explicit];
  const dirs = [
    join(opts.repoRoot ?? REPO_ROOT, '.hyperflow/bin'),
    ...(env.PATH ?? '').split(delimiter),
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/sbin',
    '/usr/bin',
  ];
  return [...new Set(dirs.filter((d) => d.startsWith('/')).map((d) => join(d, 'nats-server')))];
}

/**
 * The first candidate in the supported range. Fails closed: an older server is never run; the
 * error names the version found, the range and the command that installs a good one.
 */
export function locateNatsServer(opts: LocateOptions = {}): NatsServerBinary {
  const spec = readNatsVersions(opts.repoRoot);
  const candidates = natsServerCandidates(opts);
  let refused: NatsServerBinary | undefined;
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const version = serverVersion(bin);
    if (isSupported(version, spec)) return { bin, version };
    refused ??= { bin, version };
  }
  if (refused) throw new NatsLocalError(unsupportedMessage(refused, spec));
  const where = (opts.env ?? process.env).HYPERFLOW_NATS_SERVER
    ? `HYPERFLOW_NATS_SERVER=${candidates[0]} does not exist`
    : 'no nats-server in .hyperflow/bin, on PATH or in /usr/local/sbin, /usr/sbin';
  throw new NatsLocalError(`${where}. Install a supported one with: ${INSTALL_COMMAND}`);
}
