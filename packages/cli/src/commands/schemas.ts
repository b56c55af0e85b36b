import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOG } from '@hyperflow/contracts';
import { z } from 'zod';

/** JSON Schema of every contract, by name: the same documents `packages/contracts/schemas/` holds. */
export function contractSchemas(): Record<string, unknown> {
  return Object.fromEntries(
    CATALOG.map((e) => [
      e.name,
      {
        ...z.toJSONSchema(e.schema, { target: 'draft-2020-12', unrepresentable: 'any' }),
        title: e.name,
        description: `${e.description} Subject: ${e.subject}`,
      },
    ]),
  );
}

/** `hyperflow schemas [name] [--out dir]`: print one or all, or write one file per contract. */
export function schemas(args: { name?: string; outDir?: string; out: NodeJS.WritableStream }): number {
  const all = contractSchemas();
  const chosen = args.name === undefined ? all : { [args.name]: all[args.name] };
  if (args.name !== undefined && all[args.name] === undefined) {
    args.out.write(`unknown contract ${args.name}; one of: ${Object.keys(all).join(', ')}\n`);
    return 1;
  }
  if (args.outDir !== undefined) {
    mkdirSync(args.outDir, { recursive: true });
    for (const [name, schema] of Object.entries(chosen)) {
      writeFileSync(join(args.outDir, `${name}.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    args.out.write(`wrote ${Object.keys(chosen).length} JSON Schemas to ${args.outDir}\n`);
    return 0;
  }
  args.out.write(`${JSON.stringify(args.name === undefined ? chosen : chosen[args.name], null, 2)}\n`);
  return 0;
}
