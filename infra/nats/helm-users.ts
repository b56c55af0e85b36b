// The NATS Helm chart's users (infra/k8s/nats/values.yaml), from the same table as nats.conf.
import { IDENTITIES, passwordHashEnv, permissionsOf } from '@hyperflow/bus';

/** The Secret holding each identity's bcrypt hash (double-quoted), key = user. */
export const HASH_SECRET = 'hyperflow-nats-hashes';

export function helmUsers() {
  return IDENTITIES.map((id) => {
    const p = permissionsOf(id);
    return {
      user: id.user,
      // `<< $VAR >>` is written unquoted into the chart's nats.conf: the server reads the variable
      password: `<< $${passwordHashEnv(id.user)} >>`,
      permissions: {
        publish: {
          allow: [...p.publish.allow],
          ...(p.publish.deny.length > 0 ? { deny: [...p.publish.deny] } : {}),
        },
        subscribe: { allow: [...p.subscribe.allow] },
        ...(p.allowResponses ? { allow_responses: true } : {}),
      },
    };
  });
}

export function helmUsersEnv() {
  return Object.fromEntries(
    IDENTITIES.map((id) => [
      passwordHashEnv(id.user),
      { valueFrom: { secretKeyRef: { name: HASH_SECRET, key: id.user } } },
    ]),
  );
}
