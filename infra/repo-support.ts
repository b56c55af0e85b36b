// Helpers for the repository-level static checks (infra/**/*.unit.test.ts). No Docker engine or
// cluster runs these: they read the files, parse them and compare them with the code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const root = fileURLToPath(new URL('../', import.meta.url));

export const read = (path: string): string => readFileSync(join(root, path), 'utf8');
export const exists = (path: string): boolean => existsSync(join(root, path));

/** One YAML document, with `<<` merge keys resolved as docker compose resolves them. */
export function readYaml<T = unknown>(path: string): T {
  return parse(read(path), { merge: true }) as T;
}

/** Every document of a multi-document YAML file; throws on the first syntax error. */
export function readYamlDocs<T = unknown>(path: string): T[] {
  return parseAllDocuments(read(path), { merge: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJS() as T;
  });
}

/** Files under `dir` (repo-relative), recursively, whose name matches `pattern`. */
export function listFiles(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs)) {
      if (entry === 'node_modules' || entry === 'dist') continue;
      const p = join(abs, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (pattern.test(entry)) out.push(relative(root, p));
    }
  };
  if (exists(dir)) walk(join(root, dir));
  return out.sort();
}

const isTestCode = (path: string) => /\.test\.ts$|[/\\]test-support[/\\]|\.d\.ts$/.test(path);

/** Production TypeScript sources of a workspace directory (`packages/bus`), tests excluded. */
export function sourceFiles(workspaceDir: string): string[] {
  return listFiles(join(workspaceDir, 'src'), /\.ts$/).filter((p) => !isTestCode(p));
}

/** Workspace directories by package name (`@hyperflow/bus` → `packages/bus`). */
export function workspaces(): Map<string, string> {
  const map = new Map<string, string>();
  for (const group of ['packages', 'services']) {
    for (const name of exists(group) ? readdirSync(join(root, group)) : []) {
      const dir = `${group}/${name}`;
      if (exists(`${dir}/package.json`)) map.set(JSON.parse(read(`${dir}/package.json`)).name, dir);
    }
  }
  return map;
}

/** A workspace and the workspaces it depends on at run time (`dependencies`, transitively). */
export function runtimeClosure(workspaceDir: string): string[] {
  const byName = workspaces();
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const deps = Object.keys(JSON.parse(read(`${dir}/package.json`)).dependencies ?? {});
    for (const dep of deps) {
      const depDir = byName.get(dep);
      if (depDir) visit(depDir);
    }
  };
  visit(workspaceDir);
  return [...seen];
}

/**
 * The environment variable names a service can read: every upper-case object key
 * (`NATS_URL: envUrl(…)`, `'HTTP_PORT': …`) in the production sources of the service and of the
 * workspaces it depends on, which is where its zod config schema and the service kit's schema
 * live. A name that appears nowhere as a key is one no schema knows.
 */
export function knownEnvNames(service: string): Set<string> {
  const names = new Set<string>();
  for (const dir of runtimeClosure(`services/${service}`)) {
    for (const file of sourceFiles(dir)) {
      for (const m of read(file).matchAll(
        /['"]?\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})\b['"]?\??\s*:/g,
      )) {
        names.add(m[1] as string);
      }
    }
  }
  return names;
}
