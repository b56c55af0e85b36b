// What a load step used, for naming the resource that runs out first: CPU of this process (all the
// in-process services share its one event-loop thread), CPU of the nats-servers it started, the
// whole machine's CPU, and event-loop lag. Linux /proc; the parsers are pure and unit tested.
import { readdirSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** clock ticks per second of /proc (USER_HZ; 100 on every Linux this runs on) */
const HZ = 100;

/** utime + stime in ms and the parent pid, from the text of /proc/<pid>/stat. */
export function parseProcStat(text: string): { readonly cpuMs: number; readonly ppid: number } {
  // the command name sits in parentheses and may hold spaces: fields start after the last ')'
  const end = text.lastIndexOf(')');
  if (end < 0) throw new RangeError('proc stat: no command field');
  const f = text.slice(end + 2).split(' ');
  const ppid = Number(f[1]);
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) throw new RangeError('proc stat: bad fields');
  return { cpuMs: ((utime + stime) * 1000) / HZ, ppid };
}

/** Busy and total jiffies of the first ("cpu") line of /proc/stat. */
export function parseMachineStat(text: string): { readonly busy: number; readonly total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new RangeError('/proc/stat: no cpu line');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

function childrenNamed(comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() !== comm) continue;
      if (parseProcStat(readFileSync(`/proc/${d}/stat`, 'utf8')).ppid === process.pid) out.push(Number(d));
    } catch {
      // gone between the listing and the read
    }
  }
  return out;
}

function cpuMsOf(pids: readonly number[]): number {
  let ms = 0;
  for (const p of pids) {
    try {
      ms += parseProcStat(readFileSync(`/proc/${p}/stat`, 'utf8')).cpuMs;
    } catch {
      // gone: counts nothing more
    }
  }
  return ms;
}

/** What one measured window used; CPU figures are fractions of one core (1 = one core busy). */
export interface Usage {
  readonly wallMs: number;
  /** this process, user + system */
  readonly processCores: number;
  readonly processCpuMs: number;
  /** the nats-server processes this process started */
  readonly natsCores: number;
  /** every core of the machine, other users included (a shared machine) */
  readonly machineBusy: number;
  readonly cores: number;
  /** event-loop delay of this process, ms */
  readonly loopLagP99Ms: number;
  readonly loopLagMaxMs: number;
}

/** Starts measuring; `stop()` returns what the window used. */
export function measureUsage(cores: number): { stop(): Usage } {
  const nats = childrenNamed('nats-server');
  const cpu0 = process.cpuUsage();
  const nats0 = cpuMsOf(nats);
  const m0 = parseMachineStat(readFileSync('/proc/stat', 'utf8'));
  const t0 = performance.now();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  return {
    stop() {
      lag.disable();
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(cpu0);
      const processCpuMs = (c.user + c.system) / 1000;
      const m1 = parseMachineStat(readFileSync('/proc/stat', 'utf8'));
      const dTotal = m1.total - m0.total;
      return {
        wallMs,
        processCpuMs,
        processCores: processCpuMs / wallMs,
        natsCores: (cpuMsOf(nats) - nats0) / wallMs,
        machineBusy: dTotal > 0 ? (m1.busy - m0.busy) / dTotal : 0,
        cores,
        loopLagP99Ms: lag.percentile(99) / 1e6,
        loopLagMaxMs: lag.max / 1e6,
      };
    },
  };
}

/**
 * The resource that ran out first in a step that did not keep up: the event loop when this
 * process's one thread was nearly always busy, the nats-server when it was, the machine when
 * every core was; else the lag itself, or "none found" (the cause is outside what is measured).
 */
export function exhausted(u: Usage): string {
  if (u.processCores >= 0.9)
    return `CPU of the service process's event loop (${pctOf(u.processCores)} of a core)`;
  if (u.natsCores >= 0.9) return `CPU of nats-server (${pctOf(u.natsCores)} of a core)`;
  if (u.machineBusy >= 0.9) return `machine CPU (${pctOf(u.machineBusy)} of ${u.cores} cores busy)`;
  if (u.loopLagP99Ms >= 50) return `event-loop lag (p99 ${u.loopLagP99Ms.toFixed(0)} ms)`;
  return 'none of CPU, nats-server CPU or event-loop lag ran out';
}

const pctOf = (x: number) => `${Math.round(x * 100)}%`;
