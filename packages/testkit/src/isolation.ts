import { randomBytes } from 'node:crypto';

export interface TestScope {
  /** unique subject root replacing `hl` so tests never see each other's messages */
  readonly root: string;
  /** unique prefix for stream and bucket names */
  readonly streamPrefix: string;
}

/** A fresh subject root and stream-name prefix for one test. */
export function testScope(label = 't'): TestScope {
  const id = randomBytes(4).toString('hex');
  const safe = label.replace(/[^A-Za-z0-9]/g, '').slice(0, 12) || 't';
  return { root: `${safe}${id}`, streamPrefix: `${safe.toUpperCase()}_${id.toUpperCase()}_` };
}
