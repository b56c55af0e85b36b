import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { renderEnv } from './setup.js';

const example = readFileSync(new URL('../../../../.env.example', import.meta.url), 'utf8');

describe('hyperflow setup', () => {
  it('ships an example without a usable password', () => {
    for (const m of example.matchAll(/^(\w*(PASSWORD|PASS|SECRET|TOKEN)\w*)=(.*)$/gm)) {
      expect(m[3], m[1]).toBe('');
    }
  });

  it('fills every password with a random value and gives the server only its bcrypt hash', () => {
    const env = renderEnv(example, 4);
    const vars = Object.fromEntries(
      [...env.matchAll(/^(\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    for (const user of ['provisioner', 'ingestor', 'strategy', 'execution', 'operator']) {
      const pw = vars[`NATS_${user.toUpperCase()}_PASSWORD`] as string;
      expect(pw, user).toMatch(/^p[0-9a-f]{48}$/);
      const hash = vars[`NATS_${user.toUpperCase()}_PASSWORD_HASH`] as string;
      // single-quoted for compose, double-quoted for nats-server's parser
      expect(hash, user).toMatch(/^'"\$2[ab]\$04\$.{53}"'$/);
      expect(bcrypt.compareSync(pw, hash.slice(2, -2)), user).toBe(true);
    }
    expect(vars.GRAFANA_ADMIN_PASSWORD).toMatch(/^p[0-9a-f]{48}$/);
    expect(renderEnv(example, 4)).not.toBe(env);
  });
});
