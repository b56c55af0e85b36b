// Offline, strict validation of Kubernetes objects against the Kubernetes API schemas, as
// `kubeconform -strict` does, without a cluster or the network. The schemas come from the npm
// package `kubernetes-models` (generated from the Kubernetes OpenAPI spec), in two forms:
//  - its compiled JSON-schema validators (types, required fields, formats, enums): `validate()`;
//  - its TypeScript interfaces, which list every field of every object. The JSON-schema
//    validators accept unknown fields (the API server drops them silently), so the strict part,
//    "no field the schema does not define", is the TypeScript compiler's excess-property check on
//    each object written out as a literal of its kind's interface.
import { join } from 'node:path';
import ts from 'typescript';
import { root } from '../repo-support.js';

// biome-ignore lint/suspicious/noExplicitAny: any Kubernetes object
export type K8sObject = any;

export interface SchemaIssue {
  /** `Kind/name` of the object */
  object: string;
  message: string;
}

/** `apps/v1` → `kubernetes-models/apps/v1`, `v1` → `kubernetes-models/v1` */
const modulePath = (apiVersion: string) => `kubernetes-models/${apiVersion}`;
const describe = (o: K8sObject) => `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;

/** The JSON-schema pass: apiVersion/kind known, then the compiled validator of that kind. */
async function validateTypes(o: K8sObject): Promise<string[]> {
  if (typeof o?.apiVersion !== 'string' || typeof o?.kind !== 'string') {
    return ['apiVersion and kind are required'];
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modulePath(o.apiVersion))) as Record<string, unknown>;
  } catch {
    return [`no schema for apiVersion ${o.apiVersion}`];
  }
  const Model = mod[o.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (typeof Model !== 'function' || (Model as unknown as { kind?: string }).kind !== o.kind) {
    return [`no schema for ${o.apiVersion} ${o.kind}`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    // biome-ignore lint/suspicious/noExplicitAny: the validator's error carries ajv's errors
    const errors = (e as any)?.errors as { instancePath: string; message?: string }[] | undefined;
    return errors?.length
      ? errors.map((x) => `${x.instancePath || '/'} ${x.message ?? 'invalid'}`)
      : [String((e as Error).message ?? e)];
  }
}

const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  types: [],
  noErrorTruncation: true,
};

/**
 * The strict pass: every object as `const o: I<Kind> = <object>` in one in-memory program;
 * unknown fields, wrong types and missing required fields are compiler errors.
 */
function validateFields(objects: K8sObject[]): SchemaIssue[][] {
  const dir = join(root, 'infra/k8s/.schema-check');
  const files = new Map<string, string>();
  objects.forEach((o, i) => {
    const text =
      `import type { I${o.kind} } from '${modulePath(o.apiVersion)}';\n` +
      `export const o: I${o.kind} = ${JSON.stringify(o, null, 2)};\n`;
    files.set(join(dir, `o${i}.ts`), text);
  });
  const host = ts.createCompilerHost(compilerOptions, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => {
    const text = files.get(name);
    return text !== undefined ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getCurrentDirectory = () => root;
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  return [...files.keys()].map((name, i) => {
    const sf = program.getSourceFile(name);
    if (!sf) return [{ object: describe(objects[i]), message: 'not compiled' }];
    return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
      const line =
        d.start !== undefined
          ? sf.text.split('\n')[sf.getLineAndCharacterOfPosition(d.start).line]?.trim()
          : undefined;
      return {
        object: describe(objects[i]),
        // keys are written quoted ('"replicas"'): report them as the manifest spells them
        message: `${ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/'"([^"']+)"'/g, "'$1'")}${line ? ` (at: ${line})` : ''}`,
      };
    });
  });
}

/**
 * Every problem of every object, `[]` when all are valid. Objects without a known
 * apiVersion/kind are reported (kubeconform without `-ignore-missing-schemas`).
 */
export async function validateStrict(objects: K8sObject[]): Promise<SchemaIssue[]> {
  const issues: SchemaIssue[] = [];
  const known: K8sObject[] = [];
  for (const o of objects) {
    const typeIssues = await validateTypes(o);
    issues.push(...typeIssues.map((message) => ({ object: describe(o), message })));
    if (!typeIssues.some((m) => m.startsWith('no schema') || m.startsWith('apiVersion and kind'))) {
      known.push(o);
    }
  }
  if (known.length > 0) issues.push(...validateFields(known).flat());
  return issues;
}
