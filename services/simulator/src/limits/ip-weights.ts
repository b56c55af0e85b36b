const WINDOW_MS = 60_000;

/** Per-IP REST weight over a sliding minute (venue: 1200 per minute; sliding vs fixed is undocumented). */
export class IpWeights {
  private readonly log = new Map<string, { time: number; weight: number }[]>();

  constructor(private readonly perMinute: number) {}

  used(ip: string, now: number): number {
    const entries = (this.log.get(ip) ?? []).filter((e) => e.time > now - WINDOW_MS);
    this.log.set(ip, entries);
    return entries.reduce((s, e) => s + e.weight, 0);
  }

  /** Debits when it fits; a refused request costs nothing. */
  tryDebit(ip: string, weight: number, now: number): boolean {
    if (this.used(ip, now) + weight > this.perMinute) return false;
    this.log.get(ip)?.push({ time: now, weight });
    return true;
  }

  /** Debits weight known only after answering (per-item extras), even past the limit. */
  debit(ip: string, weight: number, now: number): void {
    if (weight <= 0) return;
    this.used(ip, now);
    this.log.get(ip)?.push({ time: now, weight });
  }
}
