import type { NonceStore } from '../auth/nonces.js';
import type { AddressBudget } from '../limits/address-budget.js';
import type { Universe } from '../market/universe.js';
import type { Engine } from '../matching/engine.js';
import type { WsFunding } from '../matching/types.js';
import type { Twaps } from '../twap/twaps.js';

/** venue: a sub-account is its own user; its master (or the master's agent) signs for it */
export interface SubAccount {
  readonly master: string;
  readonly name: string;
}

/** A vault users deposit USDC into; equity per depositor, scaled. */
export interface Vault {
  readonly name: string;
  readonly leader: string;
  readonly equities: Map<string, bigint>;
}

/** venue: one entry of userNonFundingLedgerUpdates (`delta` in the venue's per-type shape) */
export interface LedgerUpdate {
  readonly time: number;
  readonly hash: string;
  readonly delta: Readonly<Record<string, unknown>> & { readonly type: string };
}

/** What /info and /exchange read and change; owned by the Venue. */
export interface VenueState {
  readonly universe: Universe;
  readonly engine: Engine;
  readonly nonces: NonceStore;
  readonly budget: AddressBudget;
  /** agent address → master address (both lowercase) */
  readonly agents: Map<string, string>;
  /** master → agent name ("" = unnamed) → agent address */
  readonly agentNames: Map<string, Map<string, string>>;
  /** user → scheduled cancel time (ms) */
  readonly scheduledCancels: Map<string, number>;
  readonly isMainnet: boolean;
  readonly scheduleCancelMinVolume: bigint;
  /** user → non-funding ledger updates (deposits, transfers, withdrawals), oldest first */
  readonly ledgerUpdates: Map<string, LedgerUpdate[]>;
  /** user → funding payments, oldest first */
  readonly fundings: Map<string, WsFunding[]>;
  /** sub-account address → its master, in creation order */
  readonly subAccounts: Map<string, SubAccount>;
  /** vault address → vault */
  readonly vaults: Map<string, Vault>;
  readonly twaps: Twaps;
}
