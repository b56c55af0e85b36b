// The execution service's metrics port, and its Prometheus adapter. Modules report what happened;
// the adapter owns names, help texts and labels. Gauges read at scrape time take their sources.
import type { Metrics } from '@hyperflow/service';
import type { RiskMode } from '../risk/engine.js';

export type FillRecoveryResult = 'ok' | 'failed' | 'fills';

export interface ExecutionMetrics {
  /** signal creation to the order's first send (or its record, in dry-run) */
  signalToSubmit(seconds: number): void;
  /** order sent to the venue's answer */
  submitToAck(seconds: number): void;
  /** one order outcome (a filled order counts once, when complete) */
  orderOutcome(outcome: string): void;
  riskMode(mode: RiskMode): void;
  fillRecovery(result: FillRecoveryResult, count?: number): void;
}

const noop = (): void => {};
export const noMetrics: ExecutionMetrics = {
  signalToSubmit: noop,
  submitToAck: noop,
  orderOutcome: noop,
  riskMode: noop,
  fillRecovery: noop,
};

export interface GaugeSources {
  /** used and limit of each venue budget */
  budgets(): readonly { readonly name: string; readonly used: number; readonly limit: number }[];
  /** holds the signer lease */
  leader(): boolean;
  /** the secp256k1 implementation signing orders (`native` or `js`), undefined for an external signer */
  readonly signerBackend?: string | undefined;
}

const MODES: readonly RiskMode[] = ['ACTIVE', 'REDUCE_ONLY', 'HALTED'];

/** Prometheus metrics on the service kit's registry, or none (tests that pass no registry). */
export function executionMetrics(
  m: Metrics | undefined,
  budgets: { readonly ip: BudgetSnapshot; readonly address: BudgetSnapshot },
  leader: () => boolean,
  signerBackend?: string,
): ExecutionMetrics {
  if (m === undefined) return noMetrics;
  return prometheusMetrics(m, {
    budgets: () => [
      { name: 'ip', ...budgets.ip.snapshot() },
      { name: 'address', ...budgets.address.snapshot() },
    ],
    leader,
    signerBackend,
  });
}

interface BudgetSnapshot {
  snapshot(): { readonly used: number; readonly limit: number };
}

export function prometheusMetrics(m: Metrics, sources: GaugeSources): ExecutionMetrics {
  const signalToSubmit = m.latency({
    name: 'execution_signal_to_submit_seconds',
    help: 'Signal creation to the order being sent (or recorded, in dry-run)',
  });
  const submitToAck = m.latency({
    name: 'execution_submit_to_ack_seconds',
    help: 'Order sent to the venue answer (resting, filled, rejected)',
  });
  const outcomes = m.counter({
    name: 'execution_orders_total',
    help: 'Orders by outcome',
    labelNames: ['outcome'],
  });
  const riskMode = m.gauge({
    name: 'execution_risk_mode',
    help: '1 for the current risk mode',
    labelNames: ['mode'],
  });
  m.gauge({
    name: 'execution_budget_headroom',
    help: 'Budget left: per-IP weight in the window, per-address requests',
    labelNames: ['budget'],
    collect() {
      for (const b of sources.budgets()) this.set({ budget: b.name }, Math.max(0, b.limit - b.used));
    },
  });
  m.gauge({
    name: 'execution_leader',
    help: '1 on the replica that holds the signer lease (trades), 0 on a hot standby',
    collect() {
      this.set(sources.leader() ? 1 : 0);
    },
  });
  if (sources.signerBackend !== undefined) {
    const backend = sources.signerBackend;
    m.gauge({
      name: 'execution_signer_backend',
      help: '1 for the secp256k1 implementation that signs orders (native libsecp256k1 or pure JS)',
      labelNames: ['backend'],
      collect() {
        this.set({ backend }, 1);
      },
    });
  }
  const fillRecoveries = m.counter({
    name: 'execution_fill_recoveries_total',
    help: 'userFillsByTime recovery runs by result, and the fills they recorded',
    labelNames: ['result'],
  });
  return {
    signalToSubmit: (s) => signalToSubmit.observe(s),
    submitToAck: (s) => submitToAck.observe(s),
    orderOutcome: (outcome) => outcomes.inc({ outcome }),
    riskMode: (mode) => {
      for (const x of MODES) riskMode.set({ mode: x }, x === mode ? 1 : 0);
    },
    fillRecovery: (result, count) => fillRecoveries.inc({ result }, count),
  };
}
