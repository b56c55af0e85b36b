// The signing key: read from a file (preferred: a mounted secret) or an environment value, turned
// into a LocalSigner at once. The key is never logged, never put in an event or an error message:
// errors name where the key was expected, never what was found there.
import { readFileSync } from 'node:fs';
import { LocalSigner, type Secp256k1Backend } from '@hyperflow/signing';
import { ExecutionConfigError } from '../errors.js';

export interface KeySource {
  /** path of a file holding the hex private key (an agent wallet's, recommended) */
  readonly file?: string | undefined;
  /** the hex private key itself, e.g. from a secret-backed env variable */
  readonly value?: string | undefined;
}

/** `backend`: the secp256k1 implementation chosen at start (selectSecp256k1Backend); default pure JS */
export function loadSigningKey(source: KeySource, backend?: Secp256k1Backend): LocalSigner {
  let raw: string;
  let where: string;
  if (source.file !== undefined) {
    where = `key file ${source.file} (EXEC_PRIVATE_KEY_FILE)`;
    try {
      raw = readFileSync(source.file, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new ExecutionConfigError(
        `cannot read the ${where} (${typeof code === 'string' ? code : 'error'})`,
      );
    }
  } else if (source.value !== undefined) {
    where = 'key in EXEC_PRIVATE_KEY';
    raw = source.value;
  } else {
    throw new ExecutionConfigError('no signing key: set EXEC_PRIVATE_KEY_FILE or EXEC_PRIVATE_KEY');
  }
  try {
    return new LocalSigner(raw.trim(), backend === undefined ? {} : { backend });
  } catch {
    // no cause: it could quote the key
    throw new ExecutionConfigError(`the ${where} is not a valid secp256k1 private key (value not shown)`);
  }
}
