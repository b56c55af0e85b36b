/** Time source, injected so that a run can be replayed tick by tick. */
export interface Clock {
  /** Unix time in ms. */
  now(): number;
}

/** A clock the caller moves by hand: tests and deterministic runs. */
export class ManualClock implements Clock {
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}
