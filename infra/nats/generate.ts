// Writes infra/nats/nats.conf and the users of infra/k8s/nats/values.yaml from the identities
// table: `npm run nats:conf`.
import { readFileSync, writeFileSync } from 'node:fs';
import { natsConf } from '@hyperflow/bus';
import { parseDocument } from 'yaml';
import { helmUsers, helmUsersEnv } from './helm-users.js';

writeFileSync(new URL('./nats.conf', import.meta.url), natsConf());

const valuesUrl = new URL('../k8s/nats/values.yaml', import.meta.url);
const doc = parseDocument(readFileSync(valuesUrl, 'utf8'));
doc.setIn(['config', 'merge', 'authorization', 'users'], helmUsers());
const env = (doc.getIn(['container', 'env']) as { toJSON(): Record<string, unknown> }).toJSON();
const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !/^NATS_\w+_PASSWORD(_HASH)?$/.test(k)));
doc.setIn(['container', 'env'], { ...kept, ...helmUsersEnv() });
writeFileSync(valuesUrl, doc.toString({ lineWidth: 0 }));
