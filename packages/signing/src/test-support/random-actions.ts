// A seeded generator of random, valid actions of every type the package builds, for comparing
// signing backends. Same seed, same actions: a failure names its seed and index and reproduces.
import {
  approveAgentAction,
  approveBuilderFeeAction,
  batchModifyAction,
  cancelAction,
  cancelByCloidAction,
  type L1Action,
  modifyAction,
  type Network,
  noopAction,
  type OrderInput,
  type OrderKind,
  orderAction,
  scheduleCancelAction,
  type UserSignedAction,
  updateIsolatedMarginAction,
  updateLeverageAction,
  usdSendAction,
  withdraw3Action,
} from '../actions.js';

/** mulberry32: small, fast, and the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const L1_TYPES = [
  'order',
  'cancel',
  'cancelByCloid',
  'modify',
  'batchModify',
  'scheduleCancel',
  'updateLeverage',
  'updateIsolatedMargin',
  'noop',
] as const;
export const USER_SIGNED_TYPES = ['usdSend', 'withdraw3', 'approveAgent', 'approveBuilderFee'] as const;
export type ActionType = (typeof L1_TYPES)[number] | (typeof USER_SIGNED_TYPES)[number];

export type RandomCase =
  | {
      readonly kind: 'l1';
      readonly type: ActionType;
      readonly action: L1Action;
      readonly network: Network;
      readonly nonce: number;
      readonly vaultAddress?: string;
      readonly expiresAfter?: number;
    }
  | { readonly kind: 'user'; readonly type: ActionType; readonly action: UserSignedAction };

export class RandomActions {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.#next() * (hi - lo + 1));
  }

  bool(): boolean {
    return this.#next() < 0.5;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }

  hex(bytes: number): string {
    let out = '0x';
    for (let i = 0; i < bytes; i++) out += this.int(0, 255).toString(16).padStart(2, '0');
    return out;
  }

  /** A 0x + 64 hex key inside the curve order (the top byte below 0xff keeps it < n). */
  privateKey(): string {
    return `0x${this.int(1, 0xfe).toString(16).padStart(2, '0')}${this.hex(31).slice(2)}`;
  }

  /** A non-negative decimal string with 0–8 decimals, sometimes with trailing zeros to normalise. */
  decimal(positive = false): string {
    const whole = this.pick([0, 1, 7, 42, 100, 1670, 30_000, 123_456_789]) + this.int(0, 999);
    const places = this.int(0, 8);
    let frac = '';
    for (let i = 0; i < places; i++) frac += String(this.int(0, 9));
    const text = places === 0 ? String(whole) : `${whole}.${frac}`;
    if (positive && /^0(?:\.0*)?$/.test(text)) return '1';
    return text;
  }

  /** A signed USD amount with at most 6 decimals (ntli is usd × 1e6). */
  usd(): string {
    const whole = this.int(0, 100_000);
    const places = this.int(0, 6);
    let frac = '';
    for (let i = 0; i < places; i++) frac += String(this.int(0, 9));
    return `${this.bool() ? '-' : ''}${whole}${places === 0 ? '' : `.${frac}`}`;
  }

  asset(): number {
    return this.pick([0, 1, 4, 159, 10_000 + this.int(0, 300), 110_000 + this.int(0, 50)]);
  }

  cloid(): string {
    const c = this.hex(16);
    return this.bool() ? c.toUpperCase().replace('0X', '0x') : c;
  }

  address(): string {
    const a = this.hex(20);
    return this.bool() ? a.toUpperCase().replace('0X', '0x') : a;
  }

  time(): number {
    return 1_700_000_000_000 + this.int(0, 100_000_000_000);
  }

  orderKind(): OrderKind {
    return this.bool()
      ? { kind: 'limit', tif: this.pick(['Gtc', 'Ioc', 'Alo'] as const) }
      : {
          kind: 'trigger',
          triggerPx: this.decimal(),
          isMarket: this.bool(),
          tpsl: this.pick(['tp', 'sl'] as const),
        };
  }

  order(overrides: Partial<OrderInput> = {}): OrderInput {
    return {
      asset: this.asset(),
      isBuy: this.bool(),
      price: this.decimal(),
      size: this.decimal(),
      ...(this.bool() ? { reduceOnly: this.bool() } : {}),
      type: this.orderKind(),
      ...(this.bool() ? { cloid: this.cloid() } : {}),
      ...overrides,
    };
  }

  oid(): number | string {
    return this.bool() ? this.int(1, Number.MAX_SAFE_INTEGER) : this.cloid();
  }

  orderAction(): L1Action {
    const n = this.int(1, this.pick([1, 3, 20]));
    switch (this.int(0, 3)) {
      case 0: {
        // venue: TP/SL groupings need reduce-only children
        const grouping = this.pick(['normalTpsl', 'positionTpsl'] as const);
        return orderAction({
          orders: Array.from({ length: n }, () => this.order({ reduceOnly: true })),
          grouping,
        });
      }
      case 1: {
        const tif = this.pick(['Ioc', 'Alo'] as const);
        return orderAction({
          orders: Array.from({ length: n }, () =>
            this.order({ type: { kind: 'limit', tif }, ...(tif === 'Alo' ? { reduceOnly: false } : {}) }),
          ),
          grouping: { p: this.int(0, 100_000_000) },
        });
      }
      default:
        return orderAction({
          orders: Array.from({ length: n }, () => this.order()),
          ...(this.bool() ? { builder: { address: this.address(), fee: this.int(0, 100) } } : {}),
        });
    }
  }

  l1(type: (typeof L1_TYPES)[number]): L1Action {
    const many = <T>(make: () => T): T[] => Array.from({ length: this.int(1, 10) }, make);
    switch (type) {
      case 'order':
        return this.orderAction();
      case 'cancel':
        return cancelAction(
          many(() => ({ asset: this.asset(), oid: this.int(1, Number.MAX_SAFE_INTEGER) })),
          { fast: this.bool() },
        );
      case 'cancelByCloid':
        return cancelByCloidAction(
          many(() => ({ asset: this.asset(), cloid: this.cloid() })),
          { fast: this.bool() },
        );
      case 'modify':
        return modifyAction({ oid: this.oid(), order: this.order(), alwaysPlace: this.bool() });
      case 'batchModify':
        return batchModifyAction(
          many(() => ({ oid: this.oid(), order: this.order() })),
          { alwaysPlace: this.bool() },
        );
      case 'scheduleCancel':
        return scheduleCancelAction(this.bool() ? { time: this.time() } : {});
      case 'updateLeverage':
        return updateLeverageAction({ asset: this.asset(), isCross: this.bool(), leverage: this.int(1, 50) });
      case 'updateIsolatedMargin':
        return updateIsolatedMarginAction({ asset: this.asset(), isBuy: this.bool(), usd: this.usd() });
      case 'noop':
        return noopAction();
      default: {
        const never: never = type;
        throw new Error(`no generator for ${String(never)}`);
      }
    }
  }

  user(type: (typeof USER_SIGNED_TYPES)[number]): UserSignedAction {
    const base = {
      network: this.pick(['mainnet', 'testnet'] as const),
      ...(this.bool() ? { signatureChainId: this.pick(['0x66eee', '0xa4b1', '0x1', '0xA4B1']) } : {}),
    };
    switch (type) {
      case 'usdSend':
        return usdSendAction({
          ...base,
          destination: this.address(),
          amount: this.decimal(true),
          time: this.time(),
        });
      case 'withdraw3':
        return withdraw3Action({
          ...base,
          destination: this.address(),
          amount: this.decimal(true),
          time: this.time(),
        });
      case 'approveAgent':
        return approveAgentAction({
          ...base,
          agentAddress: this.address(),
          ...(this.bool()
            ? { agentName: this.pick(['', 'bot', 'hyperflow agent ✓', `a${this.int(0, 999)}`]) }
            : {}),
          nonce: this.time(),
        });
      case 'approveBuilderFee':
        return approveBuilderFeeAction({
          ...base,
          maxFeeRate: `${this.int(0, 1)}.${this.int(0, 999)}%`,
          builder: this.address(),
          nonce: this.time(),
        });
      default: {
        const never: never = type;
        throw new Error(`no generator for ${String(never)}`);
      }
    }
  }

  case(type: ActionType): RandomCase {
    if ((USER_SIGNED_TYPES as readonly string[]).includes(type)) {
      return { kind: 'user', type, action: this.user(type as (typeof USER_SIGNED_TYPES)[number]) };
    }
    const nonce = this.time();
    return {
      kind: 'l1',
      type,
      action: this.l1(type as (typeof L1_TYPES)[number]),
      network: this.pick(['mainnet', 'testnet'] as const),
      nonce,
      ...(this.bool() ? { vaultAddress: this.address() } : {}),
      ...(this.bool() ? { expiresAfter: nonce + this.int(1, 60_000) } : {}),
    };
  }
}
