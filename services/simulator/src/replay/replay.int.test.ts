import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { TestSocket } from '../test-support/ws-client.js';

// Frames in the shape of the recorded venue fixtures (tardis-node mapper tests).
const TRADE =
  '{"channel":"trades","data":[{"coin":"FXS","side":"A","px":"1.9008","sz":"10.5","time":1730160015113,"hash":"0xdde3d6b67214c97cb88704156eee8e016e010eb52dcf2a855bdaea517a5b45a9","tid":611279506717453}]}';
const BOOK = '{"channel":"l2Book","data":{"coin":"SHIA","time":1730160007687,"levels":[[],[]]}}';
const OTHER =
  '{"channel":"trades","data":[{"coin":"BTC","side":"B","px":"69997.0","sz":"0.38111","time":1730160006192,"hash":"0x40d169aa50ad8a32b44a04156eee0201d8002e5c6456b7c1ae175e381f73f9dd","tid":1016375172059570}]}';

const recording = [
  JSON.stringify({ t: 1_000, frame: TRADE }),
  JSON.stringify({ t: 1_150, frame: OTHER }),
  JSON.stringify({ t: 1_200, frame: BOOK }),
  JSON.stringify({ t: 1_300, frame: TRADE }),
].join('\n');

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ tickMs: 0, warmupTicks: 0 });
});
afterAll(async () => {
  await sim.close();
});

describe('replay', () => {
  it('given a recording at 1×, when played, then subscribers get the raw frames with the recorded spacing', async () => {
    const s = await TestSocket.open(sim.wsUrl);
    // coins only the recording knows become subscribable once it is loaded
    const warm = sim.replay(recording, { speed: Number.POSITIVE_INFINITY });
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'FXS' } });
    s.send({ method: 'subscribe', subscription: { type: 'l2Book', coin: 'SHIA' } });
    await s.next((r) => r.text.includes('"coin":"SHIA","nSigFigs"'));
    await warm;
    const from = s.frames.length;
    const started = performance.now();
    await sim.replay(recording, { speed: 1 });
    await s.next((r) => r.text === TRADE, 2000, from + 2);
    const got = s.frames.slice(from).map((f) => f.text);
    expect(got).toEqual([TRADE, BOOK, TRADE]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await s.close();
  });

  it('given speed Infinity, when played, then every frame goes out at once', async () => {
    const s = await TestSocket.open(sim.wsUrl);
    s.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'BTC' } });
    await s.channel('subscriptionResponse');
    // a minute of recorded time: at 1× this would outlast the test timeout
    const long = [JSON.stringify({ t: 0, frame: TRADE }), JSON.stringify({ t: 60_000, frame: OTHER })].join(
      '\n',
    );
    await sim.replay(long, { speed: Number.POSITIVE_INFINITY });
    await s.next((r) => r.text === OTHER);
    await s.close();
  });
});
