import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { frames } from '../test-support/fakes.js';
import { JsonlRecorder } from './recorder.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('JsonlRecorder', () => {
  it('writes one JSON line per frame with its receive time, in the shape the simulator replays', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingestor-rec-'));
    const path = join(dir, 'frames.jsonl');
    const rec = new JsonlRecorder(path);
    rec.write({ recvTsMs: 1000.25, channel: 'trades', data: [frames.trade('BTC', 1, 999)] });
    rec.write({ recvTsMs: 1001.5, channel: 'l2Book', data: frames.book('BTC', 1000) });
    await rec.close();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] ?? '') as {
      recvTsMs: number;
      frame: { channel: string; data: unknown };
    };
    expect(first.recvTsMs).toBe(1000.25);
    expect(first.frame.channel).toBe('trades');
    expect(first.frame.data).toEqual([frames.trade('BTC', 1, 999)]);
    expect(rec.droppedLines).toBe(0);
  });
});
