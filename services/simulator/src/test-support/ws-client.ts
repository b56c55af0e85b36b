import { waitFor as kitWaitFor } from '@hyperflow/testkit';
// Test-only: a plain `ws` client that records every frame and waits for matching ones.
import WebSocket from 'ws';

export interface Received {
  readonly text: string;
  readonly json: unknown;
}

export class TestSocket {
  readonly frames: Received[] = [];
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  closed: { code: number } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const r = { text, json };
      this.frames.push(r);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(r)) return true;
        w.resolve(r);
        return false;
      });
    });
    ws.on('close', (code) => {
      this.closed = { code };
    });
  }

  static async open(url: string): Promise<TestSocket> {
    const ws = new WebSocket(url);
    const s = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return s;
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next(pred: (r: Received) => boolean, timeoutMs = 5000, from = 0): Promise<Received> {
    const seen = this.frames.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (r) => {
          clearTimeout(t);
          resolve(r);
        },
      });
    });
  }

  channel(name: string, from = 0, timeoutMs = 5000): Promise<Received> {
    return this.next((r) => (r.json as { channel?: string } | undefined)?.channel === name, timeoutMs, from);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const isChannel = (name: string) => (r: Received) =>
  (r.json as { channel?: string } | undefined)?.channel === name;

/** Polls `cond` until true or the timeout passes (tests that wait on the server's timers). */
/** The test kit's poll, with this suite's default timeout. */
export const waitFor = (check: () => boolean | Promise<boolean>, timeoutMs = 5000) =>
  kitWaitFor(check, timeoutMs);
