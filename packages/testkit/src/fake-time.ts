// Manual clocks and timer queues for unit tests: time moves only when the test says so.
// Structural: they satisfy @hyperflow/core's (and the venue package's) Clock and Timers ports.

interface Pending {
  readonly at: number;
  readonly fn: () => void;
}

/** A clock and timers the test moves by hand; `advance` fires due timers in time order, synchronously. */
export class ManualTime {
  protected nowMs: number;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.nowMs + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get timerCount(): number {
    return this.pending.size;
  }

  advance(ms: number): void {
    const end = this.nowMs + ms;
    while (this.fireNext(end)) {}
    this.nowMs = end;
  }

  /** Fires the earliest timer due by `end` (moving the clock to it); false when none is due. */
  protected fireNext(end: number): boolean {
    let due: [number, Pending] | undefined;
    for (const e of this.pending) if (e[1].at <= end && (!due || e[1].at < due[1].at)) due = e;
    if (!due) return false;
    this.pending.delete(due[0]);
    this.nowMs = Math.max(this.nowMs, due[1].at);
    due[1].fn();
    return true;
  }
}

/** ManualTime whose `advance` lets promise chains settle before, between and after the timers it fires. */
export class FakeTime extends ManualTime {
  constructor(start = 0) {
    super(start);
  }

  override async advance(ms: number): Promise<void> {
    const end = this.nowMs + ms;
    await settle();
    while (this.fireNext(end)) await settle();
    this.nowMs = end;
    await settle();
  }
}

/** Lets every queued promise continuation run (a macrotask boundary; no time passes). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
