export interface ReadinessState {
  ready: boolean;
  /** Why not ready, one line per blocking condition. */
  reasons: string[];
}

/** Readiness as a set of blocking conditions (service, nats, shutdown): ready when none block. */
export class Readiness {
  readonly #blocking = new Map<string, string>();

  /** `reason` blocks readiness under `condition`; `null` lifts it. */
  set(condition: string, reason: string | null): void {
    if (reason === null) this.#blocking.delete(condition);
    else this.#blocking.set(condition, reason);
  }

  state(): ReadinessState {
    return { ready: this.#blocking.size === 0, reasons: [...this.#blocking.values()] };
  }
}
