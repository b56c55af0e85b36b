import { describe, expect, it } from 'vitest';
import { parseRecording, schedule } from './recording.js';

const JSONL = [
  '{"t":1000,"frame":"Websocket connection established."}',
  '{"t":1500,"frame":{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"69997.0","sz":"0.38111"}]}}',
  '',
  '{"recvTsNs":"3000000000","raw":"{\\"channel\\":\\"l2Book\\",\\"data\\":{\\"coin\\":\\"ETH\\",\\"time\\":1,\\"levels\\":[[],[]]}}"}',
].join('\n');

describe('recordings', () => {
  it('given JSONL with raw and parsed frames, when parsed, then times, texts and routes come out', () => {
    const frames = parseRecording(JSONL);
    expect(frames.map((f) => [f.t, f.channel, f.coin])).toEqual([
      [1000, undefined, undefined],
      [1500, 'trades', 'BTC'],
      [3000, 'l2Book', 'ETH'],
    ]);
    expect(frames[0]?.text).toBe('Websocket connection established.');
    expect(frames[2]?.text).toBe('{"channel":"l2Book","data":{"coin":"ETH","time":1,"levels":[[],[]]}}');
  });

  it('given a speed, when scheduling, then delays scale; Infinity plays at once', () => {
    const frames = parseRecording(JSONL);
    expect(schedule(frames, 1)).toEqual([0, 500, 2000]);
    expect(schedule(frames, 10)).toEqual([0, 50, 200]);
    expect(schedule(frames, Number.POSITIVE_INFINITY)).toEqual([0, 0, 0]);
  });

  it('given a broken line, when parsed, then a SimulatorError names it', () => {
    expect(() => parseRecording('{"t":1}\n')).toThrow('recording line 1 lacks a time or a frame');
    expect(() => parseRecording('nope')).toThrow('recording line 1 is not JSON');
  });
});
