import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StrategyError } from '../errors.js';
import { modulePaths, type StrategyModule, type StrategyModules } from './catalog.js';

/**
 * Imports the user strategy modules a strategies document names (the edge: file system and
 * dynamic import), relative paths resolved against `baseDir` (the document's folder).
 */
export async function importStrategyModules(doc: unknown, baseDir: string): Promise<StrategyModules> {
  const out: Record<string, StrategyModule<unknown, { coins: Record<string, unknown> }>> = {};
  for (const path of modulePaths(doc)) {
    const file = isAbsolute(path) ? path : resolve(baseDir, path);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (err) {
      throw new StrategyError(`cannot import strategy module ${path}`, { cause: err });
    }
    const m = mod.default as Partial<StrategyModule> | undefined;
    if (typeof m?.create !== 'function' || typeof m.configSchema?.safeParse !== 'function') {
      throw new StrategyError(`strategy module ${path} must default-export { configSchema, create(name) }`);
    }
    out[path] = m as StrategyModule<unknown, { coins: Record<string, unknown> }>;
  }
  return out;
}
