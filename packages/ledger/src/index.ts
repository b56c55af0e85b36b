// NATS KV implementations of the venue package's ports: the per-IP weight window shared by every
// process on one egress IP, and the nonce issuer that holds one signer's lease.
export { LedgerError } from './errors.js';
export { type CasStore, KvLeaseSource, type KvLeaseSourceOptions } from './kv-lease-source.js';
export {
  LeasedNonceManager,
  type LeasedNonceManagerOptions,
  type NonceLeaseData,
  NonceLeaseError,
} from './nonce-lease.js';
export { layeredBudget, type SharedIpBudgetOptions, withSharedIpBudget } from './shared-ip.js';
