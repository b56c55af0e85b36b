import {
  checkOrder,
  evolveRisk,
  initialRiskState,
  type ModeChange,
  modeChange,
  type RiskFact,
  type RiskLimits,
  type RiskOrder,
  type RiskState,
  type RiskVerdict,
} from './engine.js';

/** The live risk state of one execution process: the pure engine behind a mutable holder. */
export class RiskBook {
  #state: RiskState;
  readonly limits: RiskLimits;

  constructor(limits: RiskLimits, initial: RiskState = initialRiskState()) {
    this.limits = limits;
    this.#state = initial;
  }

  get state(): RiskState {
    return this.#state;
  }

  /** Applies a fact; returns the mode change it caused, if any (to publish). */
  apply(fact: RiskFact): ModeChange | undefined {
    const before = this.#state;
    this.#state = evolveRisk(before, fact, this.limits);
    return modeChange(before, this.#state);
  }

  check(order: RiskOrder, nowMs: number): RiskVerdict {
    return checkOrder(this.#state, order, nowMs, this.limits);
  }
}
