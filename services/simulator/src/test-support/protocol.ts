// A client author's view of the simulator: plain fetch, bodies signed by the project's signer
// (@hyperflow/signing), nothing from the simulator's internals.
import { type Signer, signL1Action, signUserSignedAction, type UserSignedAction } from '@hyperflow/signing';

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  /** parsed JSON when the body is JSON, else the raw text */
  readonly body: unknown;
}

/** POSTs `body` (a string is sent verbatim) with the given headers. */
export async function postRaw(
  url: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<HttpAnswer> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // the venue's framework errors are plain text
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}

/** Signs and sends actions for one wallet, with its own increasing nonces. */
export class PlainClient {
  private nonce: number;

  constructor(
    private readonly httpUrl: string,
    readonly signer: Signer,
    nonceStart = Date.now(),
  ) {
    this.nonce = nonceStart;
  }

  nextNonce(): number {
    this.nonce += 1;
    return this.nonce;
  }

  async info<T = unknown>(body: Record<string, unknown>): Promise<T> {
    const r = await postRaw(`${this.httpUrl}/info`, JSON.stringify(body));
    if (r.status !== 200) throw new Error(`info ${String(body.type)}: HTTP ${r.status} ${String(r.body)}`);
    return r.body as T;
  }

  /** A signed L1 request body (not sent). */
  async signed(
    action: Record<string, unknown>,
    opts: { nonce?: number; vaultAddress?: string; expiresAfter?: number } = {},
  ): Promise<Record<string, unknown>> {
    const req = await signL1Action(this.signer, {
      action,
      nonce: opts.nonce ?? this.nextNonce(),
      network: 'mainnet',
      ...(opts.vaultAddress === undefined ? {} : { vaultAddress: opts.vaultAddress }),
      ...(opts.expiresAfter === undefined ? {} : { expiresAfter: opts.expiresAfter }),
    });
    return { ...req };
  }

  async send(body: unknown): Promise<ExchangeAnswer> {
    const r = await postRaw(`${this.httpUrl}/exchange`, JSON.stringify(body));
    if (r.status !== 200) throw new Error(`exchange: HTTP ${r.status} ${String(r.body)}`);
    return r.body as ExchangeAnswer;
  }

  async act(
    action: Record<string, unknown>,
    opts: { nonce?: number; vaultAddress?: string; expiresAfter?: number } = {},
  ): Promise<ExchangeAnswer> {
    return this.send(await this.signed(action, opts));
  }

  async userSigned(action: UserSignedAction): Promise<ExchangeAnswer> {
    return this.send(await signUserSignedAction(this.signer, action));
  }
}

export type ExchangeAnswer =
  | { status: 'ok'; response: { type: string; data?: { statuses?: unknown[]; status?: unknown } } }
  | { status: 'err'; response: string };

/** The `error` texts of an answer: per-order / per-cancel statuses, or the whole-request text. */
export function errorsOf(a: ExchangeAnswer): string[] {
  if (a.status === 'err') return [a.response];
  const statuses = a.response.data?.statuses ?? [];
  return statuses.flatMap((s) =>
    typeof s === 'object' && s !== null && 'error' in s ? [String((s as { error: unknown }).error)] : [],
  );
}

/** A limit order in wire key order (a, b, p, s, r, t, c). */
export function limitOrder(
  a: number,
  isBuy: boolean,
  p: string,
  s: string,
  tif: 'Gtc' | 'Ioc' | 'Alo' = 'Gtc',
  extra: { r?: boolean; c?: string } = {},
): Record<string, unknown> {
  return {
    a,
    b: isBuy,
    p,
    s,
    r: extra.r ?? false,
    t: { limit: { tif } },
    ...(extra.c === undefined ? {} : { c: extra.c }),
  };
}

export const orderAction = (...orders: Record<string, unknown>[]) => ({
  type: 'order',
  orders,
  grouping: 'na',
});

/** Best bid and ask of a coin's book, as decimal strings. */
export async function bestBidAsk(c: PlainClient, coin: string): Promise<{ bid: string; ask: string }> {
  const book = await c.info<{ levels: [{ px: string }[], { px: string }[]] }>({ type: 'l2Book', coin });
  const bid = book.levels[0][0]?.px;
  const ask = book.levels[1][0]?.px;
  if (bid === undefined || ask === undefined) throw new Error(`${coin}: empty book`);
  return { bid: wireDecimal(bid), ask: wireDecimal(ask) };
}

/** The venue prints "59999.0"; a signed price must be "59999" (trailing zeros change the hash). */
export function wireDecimal(d: string): string {
  return d.includes('.') ? d.replace(/\.?0+$/, '') : d;
}

/** The oid of the first status when it rests; throws with the answer otherwise. */
export function restingOid(a: ExchangeAnswer): number {
  const st = a.status === 'ok' ? a.response.data?.statuses?.[0] : undefined;
  const oid = (st as { resting?: { oid?: unknown } } | undefined)?.resting?.oid;
  if (typeof oid !== 'number') throw new Error(`not resting: ${JSON.stringify(a)}`);
  return oid;
}
