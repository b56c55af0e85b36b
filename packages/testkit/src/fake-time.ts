// Structural: it satisfies @hyperflow/core's (and the venue package's) Clock and Timers ports.

/** A manual clock and timer queue for unit tests: time moves only when the test says so. */
export class FakeTime {
  private t: number;
  private nextId = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order and letting promise chains settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await settle();
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.pending) if (e[1].at <= end && (!due || e[1].at < due[1].at)) due = e;
      if (!due) break;
      this.pending.delete(due[0]);
      this.t = Math.max(this.t, due[1].at);
      due[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** Lets every queued promise continuation run (a macrotask boundary; no time passes). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
