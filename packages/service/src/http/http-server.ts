import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { ServiceKitError } from '../errors.js';
import type { ReadinessState } from './readiness.js';

export interface HttpServerOptions {
  /** 0 picks a free port; the bound one is `HttpServer.port`. */
  port: number;
  host?: string;
  registry: Registry;
  readiness: () => ReadinessState;
}

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/** `/healthz` (alive), `/readyz` (200 or 503 with reasons), `/metrics` (Prometheus text). */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      json(res, 500, { error: err instanceof Error ? err.message : 'internal error' });
    });
  });
  // Probes and scrapes are short; do not let an idle keep-alive hold shutdown open.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new ServiceKitError(`http server: cannot listen on ${opts.port}`, { cause: err })),
    );
    server.listen(opts.port, opts.host ?? '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return json(res, 405, { error: 'method not allowed' });
  }
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/healthz':
      return json(res, 200, { status: 'ok' });
    case '/readyz': {
      const state = opts.readiness();
      return json(res, state.ready ? 200 : 503, state);
    }
    case '/metrics': {
      const body = await opts.registry.metrics();
      res.writeHead(200, { 'content-type': opts.registry.contentType });
      res.end(body);
      return;
    }
    default:
      return json(res, 404, { error: 'not found' });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
