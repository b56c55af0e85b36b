/**
 * The ids this process published recently, bounded (oldest forgotten first). It saves a publish
 * round trip for what it has already sent (a resubscribe snapshot, a backfill overlapping the live
 * feed); JetStream's msgID window stays the authority across replicas and restarts.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be >= 1: ${capacity}`);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds `id`; false if it was already there. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // a Set iterates in insertion order: the first key is the oldest
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }

  delete(id: string): void {
    this.ids.delete(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
