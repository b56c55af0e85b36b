import { REFUSAL, withAsset } from '@hyperflow/hyperliquid/internal';
import {
  type ApproveAgent,
  canonicalAction,
  type ExchangeAction,
  type ExchangeRequest,
  type L1Action,
  type OrderWire,
  type UserSignedAction,
} from '../auth/actions.js';
import { recoverUserSignedSigner, userSignedNonce } from '../auth/user-signed.js';
import { recoverL1Signer } from '../auth/verify.js';
import { formatDecimal, parseDecimal } from '../market/decimal.js';
import type { OrderStatusWire, PlaceOrder, PlaceStatusWire, Tif } from '../matching/types.js';
import type { VenueState } from '../venue/state.js';
import {
  createSubAccount,
  subAccountTransfer,
  type TransferResponse,
  usdClassTransfer,
  usdSend,
  vaultTransfer,
  withdraw3,
} from './transfers.js';

/** venue: HTTP 200 bodies of /exchange */
export type ExchangeResponse =
  | { status: 'ok'; response: { type: 'order'; data: { statuses: OrderStatusWire[] } } }
  | { status: 'ok'; response: { type: 'cancel'; data: { statuses: ('success' | { error: string })[] } } }
  | { status: 'ok'; response: { type: 'default' } }
  | { status: 'ok'; response: { type: 'twapOrder'; data: { status: TwapStart } } }
  | { status: 'ok'; response: { type: 'twapCancel'; data: { status: 'success' | { error: string } } } }
  | TransferResponse
  | { status: 'err'; response: string };

type TwapStart = { running: { twapId: number } } | { error: string };

const USER_SIGNED: ReadonlySet<string> = new Set<UserSignedAction['type']>([
  'approveAgent',
  'usdSend',
  'withdraw3',
  'usdClassTransfer',
]);

export function isUserSigned(a: ExchangeAction): a is UserSignedAction {
  return USER_SIGNED.has(a.type);
}

const err = (response: string): ExchangeResponse => ({ status: 'err', response });
const DEFAULT: ExchangeResponse = { status: 'ok', response: { type: 'default' } };
const SCHEDULE_MIN_AHEAD_MS = 5_000; // venue: time must be ≥ now + 5 s
const RESERVE_COST_PER_REQUEST = 50_000n; // 0.0005 USDC, scaled 1e8

function isCancelAction(a: ExchangeAction): boolean {
  return a.type === 'cancel' || a.type === 'cancelByCloid' || a.type === 'scheduleCancel';
}

export function batchSize(a: ExchangeAction): number {
  switch (a.type) {
    case 'order':
      return a.orders.length;
    case 'cancel':
    case 'cancelByCloid':
      return a.cancels.length;
    case 'batchModify':
      return a.modifies.length;
    case 'modify':
    case 'scheduleCancel':
    case 'updateLeverage':
    case 'noop':
    case 'approveAgent':
    case 'updateIsolatedMargin':
    case 'reserveRequestWeight':
    case 'twapOrder':
    case 'twapCancel':
    case 'createSubAccount':
    case 'subAccountTransfer':
    case 'vaultTransfer':
    case 'usdSend':
    case 'withdraw3':
    case 'usdClassTransfer':
      return 1;
    default: {
      const never: never = a;
      return never;
    }
  }
}

function tooFarFromReference(s: VenueState, o: OrderWire): boolean {
  const m = s.engine.market(o.a);
  const px = parseDecimal(o.p);
  if (!m || px === undefined) return false;
  const ref = s.engine.markPx(m.coin);
  if (ref === 0n) return false;
  const diff = px > ref ? px - ref : ref - px;
  return diff * 10n > ref * 8n;
}

/** Who acts: the signer, or the master of an approved agent. */
export interface Authorized {
  readonly signer: string;
  readonly user: string;
}

/** Verifies like the venue; returns the acting user or the whole-request error. */
export function authorize(s: VenueState, req: ExchangeRequest, now: number): Authorized | ExchangeResponse {
  const a = req.action;
  let signer: string | undefined;
  let user: string;
  if (isUserSigned(a)) {
    signer = recoverUserSignedSigner(a, req.signature, s.isMainnet);
    if (!signer) return err(REFUSAL.unableToRecover);
    // venue: user-signed actions come from the master, and a wrong signature shows as an unfunded user
    if (!s.engine.hasAccount(signer)) return err(`${REFUSAL.mustDeposit} User: ${signer}`);
    // venue: the action's nonce field (time or nonce) must equal the envelope nonce
    const own = userSignedNonce(a);
    if (own !== req.nonce)
      return err(`${REFUSAL.actionNonceMismatch}${own} does not match request nonce ${req.nonce}`);
    // vaultAddress is not part of a user-signed hash: [PY] sends null, a sub-account rides in the action
    user = signer;
  } else {
    signer = recoverL1Signer(
      {
        action: canonicalAction(a),
        nonce: req.nonce,
        signature: req.signature,
        vaultAddress: req.vaultAddress ?? undefined,
        expiresAfter: req.expiresAfter ?? undefined,
      },
      s.isMainnet,
    );
    if (!signer) return err(REFUSAL.unableToRecover);
    user = s.agents.get(signer) ?? signer;
    // venue: a wrong hash recovers a random address, reported as an unknown user
    if (!s.engine.hasAccount(user)) return err(`${REFUSAL.unknownWallet}${signer} does not exist.`);
    if (req.vaultAddress) {
      // venue: the master (or its agent) acts for its sub-account by naming it in vaultAddress
      const vault = req.vaultAddress.toLowerCase();
      if (s.subAccounts.get(vault)?.master !== user) return err(`${REFUSAL.vaultNotRegistered}${vault}`);
      user = vault;
    }
    if (req.expiresAfter != null && req.expiresAfter < now) return err(REFUSAL.expired);
  }
  // venue: nonces are tracked per signer (the agent, when an agent signs)
  const nonceErr = s.nonces.use(signer, req.nonce, now);
  if (nonceErr) return err(nonceErr);
  const cumVlm = s.engine.account(user)?.cumVlm ?? 0n;
  const budgetErr = s.budget.use(user, batchSize(a), cumVlm, isCancelAction(a), now);
  if (budgetErr) return err(budgetErr);
  return { signer, user };
}

/** Carries out an authorized user-signed action. */
export function executeUserSigned(
  s: VenueState,
  user: string,
  a: UserSignedAction,
  now: number,
): ExchangeResponse {
  switch (a.type) {
    case 'approveAgent':
      return approveAgent(s, user, a);
    case 'usdSend':
      return usdSend(s, user, a, now);
    case 'withdraw3':
      return withdraw3(s, user, a, now);
    case 'usdClassTransfer':
      return usdClassTransfer(s, user, a, now);
    default: {
      const never: never = a;
      return never;
    }
  }
}

/**
 * venue: approving an unnamed agent replaces the previous unnamed one, a named agent replaces the
 * agent of the same name; at most 1 unnamed + 3 named per account.
 */
export function approveAgent(s: VenueState, user: string, a: ApproveAgent): ExchangeResponse {
  const name = (a.agentName ?? '').replace(/ valid_until \d+$/, '');
  const agent = a.agentAddress.toLowerCase();
  const names = s.agentNames.get(user) ?? new Map<string, string>();
  const named = [...names.keys()].filter((n) => n !== '');
  if (name !== '' && !names.has(name) && named.length >= 3) return err(REFUSAL.tooManyAgents);
  const previous = names.get(name);
  if (previous) s.agents.delete(previous);
  names.set(name, agent);
  s.agentNames.set(user, names);
  s.agents.set(agent, user);
  return DEFAULT;
}

export function toPlace(user: string, o: OrderWire): PlaceOrder {
  const tif: Tif = 'limit' in o.t ? (o.t.limit.tif === 'FrontendMarket' ? 'Ioc' : o.t.limit.tif) : 'Gtc';
  return {
    user,
    asset: o.a,
    isBuy: o.b,
    px: o.p,
    sz: o.s,
    reduceOnly: o.r,
    tif,
    trigger: 'trigger' in o.t ? o.t.trigger : undefined,
    cloid: o.c?.toLowerCase(),
  };
}

/** Carries out an authorized action against the engine. */
export function execute(s: VenueState, user: string, a: L1Action, now: number): ExchangeResponse {
  const e = s.engine;
  switch (a.type) {
    case 'order': {
      if (a.orders.length === 0) return err(REFUSAL.zeroSize);
      // venue: pre-validation answers a whole batch with one status
      const far = a.orders.find((o) => 'limit' in o.t && tooFarFromReference(s, o));
      if (far)
        return {
          status: 'ok',
          // venue: the pre-validation error carries the asset of the order that failed it [UNCONFIRMED]
          response: { type: 'order', data: { statuses: [{ error: withAsset(REFUSAL.priceBand, far.a) }] } },
        };
      const [parent, ...rest] = a.orders;
      if (a.grouping === 'normalTpsl' && parent && 'limit' in parent.t) {
        // venue: TP/SL children must be reduce-only triggers (pre-validation, one error for the batch)
        if (rest.some((c) => !('trigger' in c.t) || !c.r)) return err(REFUSAL.tpslReduceOnly);
        const statuses = e.placeWithChildren(
          toPlace(user, parent),
          rest.map((c) => toPlace(user, c)),
          now,
        );
        return { status: 'ok', response: { type: 'order', data: { statuses } } };
      }
      return {
        status: 'ok',
        response: {
          type: 'order',
          data: { statuses: a.orders.map((o) => e.placeOrder(toPlace(user, o), now)) },
        },
      };
    }
    case 'cancel':
      return {
        status: 'ok',
        response: { type: 'cancel', data: { statuses: a.cancels.map((c) => e.cancel(user, c.a, c.o, now)) } },
      };
    case 'cancelByCloid':
      return {
        status: 'ok',
        response: {
          type: 'cancel',
          data: { statuses: a.cancels.map((c) => e.cancel(user, c.asset, c.cloid.toLowerCase(), now)) },
        },
      };
    case 'modify': {
      const r = modifyOne(s, user, a.oid, a.order, a.a === true, now);
      return 'error' in r ? err(r.error) : DEFAULT;
    }
    case 'batchModify':
      return {
        status: 'ok',
        response: {
          type: 'order',
          data: { statuses: a.modifies.map((m) => modifyOne(s, user, m.oid, m.order, a.a === true, now)) },
        },
      };
    case 'scheduleCancel': {
      const cumVlm = e.account(user)?.cumVlm ?? 0n;
      if (cumVlm < s.scheduleCancelMinVolume) {
        return err(
          `${REFUSAL.scheduleCancelVolume} Required: $${formatDecimal(
            s.scheduleCancelMinVolume,
          )}. Traded: $${formatDecimal(cumVlm - (cumVlm % 1_000_000n), 2)}.`,
        );
      }
      if (a.time === undefined) {
        s.scheduledCancels.delete(user);
        return DEFAULT;
      }
      if (a.time < now + SCHEDULE_MIN_AHEAD_MS) return err(REFUSAL.scheduleCancelEarly);
      s.scheduledCancels.set(user, a.time);
      return DEFAULT;
    }
    case 'updateLeverage': {
      const r = e.updateLeverage(user, a.asset, a.isCross, a.leverage);
      return r ? err(r) : DEFAULT;
    }
    case 'noop':
      // venue: only burns the nonce (authorize already used it)
      return DEFAULT;
    case 'updateIsolatedMargin': {
      // venue: moves ntli µUSDC into (or out of) an isolated position's margin; the simulator keeps
      // one cross balance, so it checks the request and answers like the venue without moving margin
      const m = e.market(a.asset);
      if (m?.kind !== 'perp') return err(REFUSAL.invalidAsset);
      return DEFAULT;
    }
    case 'twapOrder': {
      const t = a.twap;
      const status = s.twaps.start(
        e,
        { user, asset: t.a, isBuy: t.b, sz: t.s, reduceOnly: t.r, minutes: t.m, randomize: t.t },
        now,
      );
      return { status: 'ok', response: { type: 'twapOrder', data: { status } } };
    }
    case 'twapCancel':
      return {
        status: 'ok',
        response: { type: 'twapCancel', data: { status: s.twaps.cancel(e, user, a.a, a.t, now) } },
      };
    case 'createSubAccount':
      return createSubAccount(s, user, a);
    case 'subAccountTransfer':
      return subAccountTransfer(s, user, a, now);
    case 'vaultTransfer':
      return vaultTransfer(s, user, a, now);
    case 'reserveRequestWeight': {
      // venue: 0.0005 USDC per request from the perp balance (doc §7.2)
      const cost = BigInt(a.weight) * RESERVE_COST_PER_REQUEST;
      const acct = e.account(user);
      if (!acct || acct.usdc < cost) return err(REFUSAL.insufficientTransfer);
      acct.usdc -= cost;
      s.budget.reserve(a.destination?.toLowerCase() ?? user, a.weight);
      return DEFAULT;
    }
    default: {
      const never: never = a;
      return never;
    }
  }
}

/** venue: modify = check, cancel the original, place the new order (it gets a new oid) */
function modifyOne(
  s: VenueState,
  user: string,
  oid: number | string,
  o: OrderWire,
  alwaysPlace: boolean,
  now: number,
): PlaceStatusWire {
  const ref = typeof oid === 'string' ? oid.toLowerCase() : oid;
  return s.engine.modify(user, ref, toPlace(user, o), alwaysPlace, now);
}
