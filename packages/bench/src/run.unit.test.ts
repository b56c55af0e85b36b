import { describe, expect, it } from 'vitest';
import { exhausted, parseMachineStat, parseProcStat, type Usage } from './resources.js';
import { selectSuites } from './run.js';
import { benchSize } from './size.js';

const suite = (name: string) => ({ name, run: async () => [] });

describe('selectSuites', () => {
  const all = [suite('a'), suite('b'), suite('c')];
  it('keeps every suite without BENCH_ONLY, the named ones in run order with it', () => {
    expect(selectSuites(all, undefined).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(selectSuites(all, 'c, a').map((s) => s.name)).toEqual(['a', 'c']);
  });
  it('refuses a name no suite has, naming the ones there are', () => {
    expect(() => selectSuites(all, 'a,x')).toThrow('BENCH_ONLY: no suite x (have a, b, c)');
  });
});

describe('benchSize', () => {
  it('is full by default, small on request, and refuses anything else', () => {
    expect(benchSize({})).toBe('full');
    expect(benchSize({ BENCH_SIZE: 'small' })).toBe('small');
    expect(() => benchSize({ BENCH_SIZE: 'tiny' })).toThrow(
      'BENCH_SIZE must be "full" or "small", got "tiny"',
    );
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime and the parent of a process whose name holds spaces and parentheses', () => {
    const stat = '4242 (nats (server) x) S 100 4242 100 0 -1 4194560 500 0 0 0 150 50 0 0 20 0 9 0 1 1 1';
    expect(parseProcStat(stat)).toEqual({ cpuMs: 2000, ppid: 100 });
  });
  it('reads the busy and total jiffies of the machine (idle and iowait are not busy)', () => {
    const stat = 'cpu  100 10 50 800 40 0 0 0 0 0\ncpu0 50 5 25 400 20 0 0 0 0 0\n';
    expect(parseMachineStat(stat)).toEqual({ busy: 160, total: 1000 });
  });
});

describe('exhausted', () => {
  const u: Usage = {
    wallMs: 1000,
    processCpuMs: 100,
    processCores: 0.1,
    natsCores: 0.1,
    machineBusy: 0.1,
    cores: 2,
    loopLagP99Ms: 1,
    loopLagMaxMs: 2,
  };
  it('names the first resource that ran out: the event loop, then nats-server, then the machine, then lag', () => {
    expect(exhausted({ ...u, processCores: 0.95, natsCores: 0.95 })).toContain('event loop (95% of a core)');
    expect(exhausted({ ...u, natsCores: 0.92 })).toContain('nats-server (92% of a core)');
    expect(exhausted({ ...u, machineBusy: 0.97 })).toContain('machine CPU (97% of 2 cores busy)');
    expect(exhausted({ ...u, loopLagP99Ms: 80 })).toContain('event-loop lag (p99 80 ms)');
    expect(exhausted(u)).toBe('none of CPU, nats-server CPU or event-loop lag ran out');
  });
});
