// The supported nats-server range (infra/nats/versions.json) and the check every entry point runs
// before it starts a server. Pure: the file's content and the server's `--version` output come in.
import { NatsLocalError } from './errors.js';

/** infra/nats/versions.json */
export interface NatsVersions {
  /** the oldest supported release */
  readonly minimum: string;
  /** the first supported release of each minor line; a later minor line is supported from its .0 */
  readonly minimumPerMinor: readonly string[];
  /** what CI runs */
  readonly newestTested: string;
  /** the container image of compose, Helm and the test kit's container mode */
  readonly image: string;
}

/** The one command that installs a supported server (into .hyperflow/bin, which is looked at first). */
export const INSTALL_COMMAND = 'bash scripts/install-nats.sh';

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** `-RC.1` and the like: before the release of the same number */
  readonly pre: string;
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;

function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' };
}

function mustParse(text: string, what: string): Version {
  const v = parseVersion(text);
  if (!v) throw new NatsLocalError(`${what}: "${text}" is not a version like 2.15.1`);
  return v;
}

/** The version in `nats-server --version` output (`nats-server: v2.15.1`), or undefined. */
export function versionFromOutput(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b/.exec(output)?.[1];
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = mustParse(a, 'compareVersions');
  const y = mustParse(b, 'compareVersions');
  const byNumber = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (byNumber !== 0) return byNumber;
  if (x.pre === y.pre) return 0;
  if (x.pre === '') return 1;
  if (y.pre === '') return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** Validates the content of infra/nats/versions.json; `where` names the file in errors. */
export function parseNatsVersions(doc: unknown, where: string): NatsVersions {
  const d = (doc ?? {}) as Record<string, unknown>;
  const str = (k: string): string => {
    const v = d[k];
    if (typeof v !== 'string' || v === '') throw new NatsLocalError(`${where}: "${k}" must be a string`);
    return v;
  };
  const floors = d.minimumPerMinor;
  if (!Array.isArray(floors) || floors.length === 0 || !floors.every((f) => typeof f === 'string')) {
    throw new NatsLocalError(`${where}: "minimumPerMinor" must be a non-empty list of versions`);
  }
  const spec: NatsVersions = {
    minimum: str('minimum'),
    minimumPerMinor: [...floors].sort(compareVersions),
    newestTested: str('newestTested'),
    image: str('image'),
  };
  for (const v of [spec.minimum, spec.newestTested, ...spec.minimumPerMinor]) mustParse(v, where);
  if (spec.minimum !== spec.minimumPerMinor[0]) {
    throw new NatsLocalError(`${where}: "minimum" ${spec.minimum} is not the oldest of "minimumPerMinor"`);
  }
  if (!isSupported(spec.newestTested, spec)) {
    throw new NatsLocalError(`${where}: "newestTested" ${spec.newestTested} is outside the supported range`);
  }
  return spec;
}

/**
 * Whether a server version is in the range: at least the floor of its own minor line, or on a
 * minor line newer than the newest floor's. A line between floors (or an older one) has no
 * supported release.
 */
export function isSupported(version: string, spec: NatsVersions): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  const floors = spec.minimumPerMinor.map((f) => mustParse(f, 'minimumPerMinor'));
  const sameLine = floors.find((f) => f.major === v.major && f.minor === v.minor);
  if (sameLine)
    return compareVersions(version, spec.minimumPerMinor[floors.indexOf(sameLine)] as string) >= 0;
  const newest = floors.at(-1) as Version;
  return v.major === newest.major && v.minor > newest.minor;
}

/** `2.12.15+ on 2.12, 2.14.4+ on 2.14, 2.15.0 and later` */
export function describeRange(spec: NatsVersions): string {
  const floors = spec.minimumPerMinor;
  const line = (f: string) => f.split('.').slice(0, 2).join('.');
  const parts = floors.slice(0, -1).map((f) => `${f}+ on ${line(f)}`);
  return [...parts, `${floors.at(-1)} and later`].join(', ');
}

/** The refusal every entry point prints for a server outside the range. */
export function unsupportedMessage(
  found: { readonly version: string; readonly bin: string },
  spec: NatsVersions,
): string {
  return (
    `nats-server ${found.version} (${found.bin}) is not supported: hyperflow needs at least ${spec.minimum} ` +
    `(${describeRange(spec)}; newest tested ${spec.newestTested}). ` +
    `Install a supported one with: ${INSTALL_COMMAND}`
  );
}
