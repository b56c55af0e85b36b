import { REFUSAL } from '@hyperflow/hyperliquid/internal';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { L1Action, UsdClassTransfer, UsdSend, Withdraw3 } from '../auth/actions.js';
import { clearinghouseState } from '../info/info.js';
import { formatDecimal, parseDecimal } from '../market/decimal.js';
import { recordLedger } from '../venue/ledger.js';
import type { VenueState } from '../venue/state.js';

type Ok = { status: 'ok'; response: { type: 'default' } };
type Err = { status: 'err'; response: string };
export type TransferResponse =
  | Ok
  | Err
  | { status: 'ok'; response: { type: 'createSubAccount'; data: string } };

const OK: Ok = { status: 'ok', response: { type: 'default' } };
const err = (response: string): Err => ({ status: 'err', response });
// venue: withdrawals to Arbitrum pay a 1 USDC bridge fee, taken from the amount
const WITHDRAW_FEE = 100_000_000n;
const MICRO_TO_SCALED = 100n; // µUSDC (1e6) → the simulator's 1e8
const usd = (v: bigint) => formatDecimal(v, 1);

/** What a user could take off its perp account now (venue: clearinghouseState.withdrawable). */
export function perpWithdrawable(s: VenueState, user: string, now: number): bigint {
  return parseDecimal(clearinghouseState(s, user, now).withdrawable) ?? 0n;
}

function ensureAccount(s: VenueState, user: string): void {
  if (!s.engine.hasAccount(user)) s.engine.fund(user, 0n);
}

/**
 * venue usdClassTransfer (standard account mode): toPerp moves spot USDC (less what open spot
 * orders hold) to the perp balance, otherwise perp withdrawable to spot. "<amount> subaccount:0x…"
 * moves the named sub-account's USDC, signed by its master.
 */
export function usdClassTransfer(
  s: VenueState,
  user: string,
  a: UsdClassTransfer,
  now: number,
): TransferResponse {
  const [amountText = '', target] = a.amount.split(/\s+subaccount:/);
  const who = target === undefined ? user : target.toLowerCase();
  if (who !== user && s.subAccounts.get(who)?.master !== user) return err(REFUSAL.notSubAccount);
  const amount = parseDecimal(amountText) ?? 0n;
  const acct = s.engine.account(who);
  if (!acct || amount === 0n) return err(REFUSAL.insufficientTransfer);
  if (a.toPerp) {
    const free = (acct.spot.get('USDC') ?? 0n) - (s.engine.spotHolds(who).get('USDC') ?? 0n);
    if (free < amount) return err(REFUSAL.insufficientTransfer);
    acct.spot.set('USDC', (acct.spot.get('USDC') ?? 0n) - amount);
    acct.usdc += amount;
  } else {
    if (perpWithdrawable(s, who, now) < amount) return err(REFUSAL.insufficientTransfer);
    acct.usdc -= amount;
    acct.spot.set('USDC', (acct.spot.get('USDC') ?? 0n) + amount);
  }
  recordLedger(s, who, now, { type: 'accountClassTransfer', usdc: usd(amount), toPerp: a.toPerp });
  s.engine.touch(who);
  return OK;
}

/** venue usdSend: perp USDC to another address's perp balance (the address comes to exist). */
export function usdSend(s: VenueState, user: string, a: UsdSend, now: number): TransferResponse {
  const amount = parseDecimal(a.amount) ?? 0n;
  const to = a.destination.toLowerCase();
  const acct = s.engine.account(user);
  if (!acct || amount === 0n || perpWithdrawable(s, user, now) < amount)
    return err(REFUSAL.insufficientTransfer);
  ensureAccount(s, to);
  acct.usdc -= amount;
  s.engine.fund(to, amount);
  const delta = { type: 'internalTransfer', usdc: usd(amount), user, destination: to, fee: '0.0' };
  recordLedger(s, user, now, delta);
  recordLedger(s, to, now, delta);
  s.engine.touch(user);
  s.engine.touch(to);
  return OK;
}

/** venue withdraw3: perp withdrawable leaves through the bridge, less its 1 USDC fee. */
export function withdraw3(s: VenueState, user: string, a: Withdraw3, now: number): TransferResponse {
  const amount = parseDecimal(a.amount) ?? 0n;
  const acct = s.engine.account(user);
  if (!acct || amount <= WITHDRAW_FEE || perpWithdrawable(s, user, now) < amount)
    return err(REFUSAL.insufficientWithdrawable);
  acct.usdc -= amount;
  recordLedger(s, user, now, { type: 'withdraw', usdc: usd(amount), nonce: a.time, fee: usd(WITHDRAW_FEE) });
  s.engine.touch(user);
  return OK;
}

type Of<T extends L1Action['type']> = Extract<L1Action, { type: T }>;

/**
 * venue createSubAccount: answers the new address. The simulator derives it from the master, the
 * name and a counter, so a run is reproducible.
 */
export function createSubAccount(s: VenueState, user: string, a: Of<'createSubAccount'>): TransferResponse {
  if (s.subAccounts.has(user)) return err(REFUSAL.notSubAccount);
  const n = [...s.subAccounts.values()].filter((x) => x.master === user).length;
  const address = `0x${keccak256(toUtf8Bytes(`${user}|${a.name}|${n}`)).slice(-40)}`;
  s.subAccounts.set(address, { master: user, name: a.name });
  ensureAccount(s, address);
  s.engine.touch(user);
  return { status: 'ok', response: { type: 'createSubAccount', data: address } };
}

/** venue subAccountTransfer: perp USDC between a master and one of its sub-accounts (usd in µUSDC). */
export function subAccountTransfer(
  s: VenueState,
  user: string,
  a: Of<'subAccountTransfer'>,
  now: number,
): TransferResponse {
  const sub = a.subAccountUser.toLowerCase();
  if (s.subAccounts.get(sub)?.master !== user) return err(REFUSAL.notSubAccount);
  const amount = BigInt(a.usd) * MICRO_TO_SCALED;
  const [from, to] = a.isDeposit ? [user, sub] : [sub, user];
  const src = s.engine.account(from);
  if (!src || amount === 0n || perpWithdrawable(s, from, now) < amount)
    return err(REFUSAL.insufficientTransfer);
  src.usdc -= amount;
  s.engine.fund(to, amount);
  const delta = { type: 'subAccountTransfer', usdc: usd(amount), user: from, destination: to };
  recordLedger(s, from, now, delta);
  recordLedger(s, to, now, delta);
  s.engine.touch(from);
  s.engine.touch(to);
  return OK;
}

/** venue vaultTransfer: deposit perp USDC into a vault, or withdraw from the user's equity in it. */
export function vaultTransfer(
  s: VenueState,
  user: string,
  a: Of<'vaultTransfer'>,
  now: number,
): TransferResponse {
  const address = a.vaultAddress.toLowerCase();
  const vault = s.vaults.get(address);
  // the venue's text for a transfer to an address that is no vault is not documented [UNCONFIRMED]
  if (!vault) return err(`${REFUSAL.vaultNotRegistered}${address}`);
  const amount = BigInt(a.usd) * MICRO_TO_SCALED;
  const acct = s.engine.account(user);
  const equity = vault.equities.get(user) ?? 0n;
  if (!acct || amount === 0n) return err(REFUSAL.insufficientTransfer);
  if (a.isDeposit) {
    if (perpWithdrawable(s, user, now) < amount) return err(REFUSAL.insufficientTransfer);
    acct.usdc -= amount;
    vault.equities.set(user, equity + amount);
    recordLedger(s, user, now, { type: 'vaultDeposit', vault: address, usdc: usd(amount) });
  } else {
    if (equity < amount) return err(REFUSAL.insufficientTransfer);
    vault.equities.set(user, equity - amount);
    acct.usdc += amount;
    // the simulator's vaults trade nothing: no commission, no closing cost
    recordLedger(s, user, now, {
      type: 'vaultWithdraw',
      vault: address,
      user,
      requestedUsd: usd(amount),
      commission: '0.0',
      closingCost: '0.0',
      basis: usd(amount),
      netWithdrawnUsd: usd(amount),
    });
  }
  s.engine.touch(user);
  return OK;
}
