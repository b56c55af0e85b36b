import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { MoveError, MoveResult } from '../market/move.js';
import {
  CONTENT_TYPE_ERROR,
  DESERIALIZE_ERROR,
  PARSE_ERROR,
  type Venue,
  type VenueReply,
} from '../venue/venue.js';
import { isLoopback } from './loopback.js';

const MAX_BODY_BYTES = 1_000_000;

/** Control surface for tests and demos (not a venue path). */
export interface ControlHooks {
  ledger(): unknown;
  applyFaults(body: unknown): boolean;
  /** forced price move: the new mid, or the field that was wrong */
  moveMarket(body: unknown): MoveResult | MoveError;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// venue: the framework accepts application/json and application/*+json, parameters allowed
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

function reply(res: ServerResponse, r: VenueReply): void {
  // venue: the framework's own rejections are plain text
  if (r.status >= 400 && r.status < 500 && typeof r.body === 'string') {
    res.writeHead(r.status, { 'content-type': 'text/plain; charset=utf-8' }).end(r.body);
    return;
  }
  res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
}

/** The HTTP side: POST /info and /exchange like the venue, plus /_sim control paths. */
export function httpHandler(venue: Venue, control: ControlHooks, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'http handler failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const ip = req.socket.remoteAddress ?? 'unknown';
    // control paths (faults, market moves, the ledger) are for this machine only, whatever SIM_HOST binds
    if (path?.startsWith('/_sim/') && !isLoopback(req.socket.remoteAddress)) {
      res.writeHead(403).end();
      return;
    }
    if (req.method === 'GET' && path === '/_sim/ledger') {
      reply(res, { status: 200, body: control.ledger() });
      return;
    }
    // probes (compose, k8s, `hyperflow up`): it listens only once the warm-up ticks have run
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      reply(res, { status: 200, body: { status: 'ok' } });
      return;
    }
    const controlPath = path === '/_sim/faults' || path === '/_sim/market/move';
    if (req.method !== 'POST' || (path !== '/info' && path !== '/exchange' && !controlPath)) {
      res.writeHead(404).end();
      return;
    }
    const venuePath = !controlPath;
    // venue [UNCONFIRMED]: the texts are the axum JSON extractor's (the 422 text matches it), which
    // checks the Content-Type first (415), then the syntax (400), then the shape (422, in Venue)
    if (venuePath && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      req.resume();
      reply(res, { status: 415, body: CONTENT_TYPE_ERROR });
      return;
    }
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      reply(
        res,
        venuePath
          ? { status: 400, body: PARSE_ERROR }
          : path === '/_sim/market/move'
            ? { status: 400, body: { error: 'body is not JSON', field: 'body' } }
            : { status: 422, body: DESERIALIZE_ERROR },
      );
      return;
    }
    if (path === '/_sim/market/move') {
      const r = control.moveMarket(body);
      reply(res, 'error' in r ? { status: 400, body: r } : { status: 200, body: { status: 'ok', ...r } });
      return;
    }
    if (path === '/_sim/faults') {
      reply(
        res,
        control.applyFaults(body)
          ? { status: 200, body: { status: 'ok' } }
          : { status: 422, body: 'bad fault' },
      );
      return;
    }
    const r = path === '/info' ? venue.info(body, ip) : venue.exchange(body, ip);
    const delay = venue.faults.latencyMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    reply(res, r);
  }
}
