import { parse } from '@hyperflow/contracts';
import { assertNever } from '@hyperflow/core';
import { z } from 'zod';
import { StrategyError } from '../errors.js';
import { ExitConfig, exitManager } from '../strategies/exit-manager.js';
import { MomentumConfig, momentumStrategy } from '../strategies/momentum.js';
import { type LoadedStrategy, loadStrategy, type Strategy } from '../strategies/strategy.js';
import { TrendConfig, trendStrategy } from '../strategies/trend.js';

const StrategyName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a subject-safe name');

/**
 * What a user strategy module default-exports: a zod schema of its config (per coin, under
 * `coins`) and a factory of the pure strategy under a given instance name.
 */
export interface StrategyModule<
  S = unknown,
  C extends { readonly coins: Readonly<Record<string, unknown>> } = never,
> {
  readonly configSchema: z.ZodType<C>;
  create(name: string): Strategy<S, C>;
}

/** One configured strategy instance: a built-in kind or a module by path, its instance name, its per-coin config. */
export const StrategySpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trend'), name: StrategyName.default('trend'), config: TrendConfig }),
  z.object({ kind: z.literal('exits'), name: StrategyName.default('exits'), config: ExitConfig }),
  z.object({ kind: z.literal('momentum'), name: StrategyName.default('momentum'), config: MomentumConfig }),
  z.object({
    kind: z.literal('module'),
    name: StrategyName,
    /** path of the module (absolute, or relative to the strategies document) */
    path: z.string().min(1),
    /** validated by the module's own configSchema */
    config: z.unknown(),
  }),
]);
export type StrategySpec = z.infer<typeof StrategySpec>;

/** What one instance runs (instances split strategies and coins between them by this config). */
export const StrategiesFile = z.object({ strategies: z.array(StrategySpec).min(1) });
export type StrategiesFile = z.infer<typeof StrategiesFile>;

/** Imported user modules by the `path` written in the document (imports happen at the edge). */
export type StrategyModules = Readonly<
  Record<string, StrategyModule<unknown, { coins: Record<string, unknown> }>>
>;

export function loadSpec(spec: StrategySpec, modules: StrategyModules = {}): LoadedStrategy {
  switch (spec.kind) {
    case 'trend':
      return loadStrategy(trendStrategy(spec.name), spec.config);
    case 'exits':
      return loadStrategy(exitManager(spec.name), spec.config);
    case 'momentum':
      return loadStrategy(momentumStrategy(spec.name), spec.config);
    case 'module': {
      const m = modules[spec.path];
      if (m === undefined) throw new StrategyError(`strategy module ${spec.path} was not imported`);
      const config = parse(m.configSchema, spec.config, `config of strategy ${spec.name}`);
      return loadStrategy(m.create(spec.name), config);
    }
    default:
      return assertNever(spec, 'strategy spec');
  }
}

/** Validates a strategies document (from a file or an env variable) and loads every strategy. */
export function loadStrategies(input: unknown, modules: StrategyModules = {}): LoadedStrategy[] {
  return parse(StrategiesFile, input, 'strategies config').strategies.map((s) => loadSpec(s, modules));
}

/** The module paths a document names, for the edge to import. */
export function modulePaths(input: unknown): string[] {
  return parse(StrategiesFile, input, 'strategies config').strategies.flatMap((s) =>
    s.kind === 'module' ? [s.path] : [],
  );
}
