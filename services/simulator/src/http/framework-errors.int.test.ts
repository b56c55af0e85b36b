import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandle, startSimulator } from '../simulator.js';
import { PlainClient, postRaw } from '../test-support/protocol.js';
import { TestSocket } from '../test-support/ws-client.js';

const master = Wallet.createRandom();
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, tickMs: 0, accounts: { [master.address.toLowerCase()]: '1000' } });
});
afterAll(async () => {
  await sim.close();
});

const PLAIN = 'text/plain; charset=utf-8';

describe.each(['/info', '/exchange'])('POST %s: the HTTP framework rejections', (path) => {
  const url = () => `${sim.httpUrl}${path}`;

  it('given a body that is not JSON, when posted, then HTTP 400 with the parse text in plain text', async () => {
    const r = await postRaw(url(), '{"type": "allMids"');
    expect(r).toEqual({ status: 400, contentType: PLAIN, body: 'Failed to parse the request body as JSON' });
  });

  it('given a Content-Type that is not JSON, when posted, then HTTP 415 even for a valid body', async () => {
    const valid = JSON.stringify({ type: 'allMids' });
    const expected = {
      status: 415,
      contentType: PLAIN,
      body: 'Expected request with `Content-Type: application/json`',
    };
    expect(await postRaw(url(), valid, { 'content-type': 'text/plain' })).toEqual(expected);
    expect(await postRaw(url(), valid, { 'content-type': 'application/x-www-form-urlencoded' })).toEqual(
      expected,
    );
    // fetch with a string body and no header sends text/plain;charset=UTF-8
    const bare = await fetch(url(), { method: 'POST', body: valid });
    expect([bare.status, await bare.text()]).toEqual([415, expected.body]);
  });

  it('given a JSON body of the wrong shape, when posted, then HTTP 422 with the deserialize text', async () => {
    for (const body of ['{}', '[]', '"allMids"', '{"type":"noSuchType"}', '{"type":"l2Book","coin":7}']) {
      expect(await postRaw(url(), body), body).toEqual({
        status: 422,
        contentType: PLAIN,
        body: 'Failed to deserialize the JSON body into the target type',
      });
    }
  });
});

describe('POST /info: accepted JSON content types', () => {
  it('given application/json with a charset, when posted, then it is served', async () => {
    const r = await postRaw(`${sim.httpUrl}/info`, JSON.stringify({ type: 'allMids' }), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/json');
  });

  it('given a signed action with the JSON type, when posted, then the exchange answers 200', async () => {
    const c = new PlainClient(sim.httpUrl, master);
    expect(await c.act({ type: 'noop' })).toEqual({ status: 'ok', response: { type: 'default' } });
  });
});

describe('WS post: a payload of the wrong shape', () => {
  it('given an info post the venue cannot deserialize, when sent, then the error mirrors the HTTP status and text', async () => {
    const ws = await TestSocket.open(sim.wsUrl);
    ws.send({ method: 'post', id: 9, request: { type: 'info', payload: { type: 'l2Book' } } });
    const r = await ws.next((f) => (f.json as { channel?: string })?.channel === 'post');
    expect(r.json).toEqual({
      channel: 'post',
      data: {
        id: 9,
        response: {
          type: 'error',
          payload: '422 Unprocessable Entity: Failed to deserialize the JSON body into the target type',
        },
      },
    });
    ws.ws.close();
  });
});
