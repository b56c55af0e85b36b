// Rewrites a turbo-pruned root package.json for the runtime image: keeps only the workspaces that
// SERVICE needs at run time (its `dependencies` on @hyperflow/* packages, transitively) and drops
// the root devDependencies. turbo prune keeps dev-only workspaces too (the test kit, and through
// it testcontainers and dockerode); without this `npm ci --omit=dev` would still install them,
// because a listed workspace is always installed with its dependencies.
//   node prod-manifest.mjs <service>   (run in the pruned output's json/ directory)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const service = process.argv[2];
if (!service) throw new Error('usage: prod-manifest.mjs <service>');

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const root = readJson('package.json');
const byName = new Map(root.workspaces.map((dir) => [readJson(`${dir}/package.json`).name, dir]));

const keep = new Set();
const visit = (name) => {
  const dir = byName.get(name);
  if (dir === undefined) throw new Error(`${name} is not a workspace of the pruned repository`);
  if (keep.has(dir)) return;
  keep.add(dir);
  for (const dep of Object.keys(readJson(`${dir}/package.json`).dependencies ?? {})) {
    if (byName.has(dep)) visit(dep);
  }
};
visit(`@hyperflow/${service}`);

for (const dir of root.workspaces) if (!keep.has(dir)) rmSync(dir, { recursive: true, force: true });
root.workspaces = root.workspaces.filter((dir) => keep.has(dir));
delete root.devDependencies;
delete root.scripts;
writeFileSync('package.json', `${JSON.stringify(root, null, 2)}\n`);
process.stdout.write(`runtime workspaces: ${root.workspaces.join(' ')}\n`);
