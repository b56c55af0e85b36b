// A loopback HTTP proxy in front of the simulator's REST port: the venue faults the simulator does
// not inject itself. Each fault acts on /exchange only (the order path), for a time window, on a
// share of the requests:
// - `5xx-before`: answers 503 without forwarding (the venue never saw the order);
// - `5xx-after`: forwards, the venue executes, then answers 502 instead of the venue's reply;
// - `reset-before`: destroys the client socket without forwarding;
// - `reset-after`: forwards, the venue executes, then destroys the client socket.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyFault = '5xx-before' | '5xx-after' | 'reset-before' | 'reset-after';

export interface FaultProxy {
  readonly url: string;
  /** `kind` on `share` (0..1) of /exchange requests for `ms` */
  inject(kind: ProxyFault, ms: number, share: number): void;
  /** how many requests each fault actually hit */
  readonly hits: Readonly<Record<ProxyFault, number>>;
  close(): Promise<void>;
}

interface Window {
  readonly kind: ProxyFault;
  readonly until: number;
  readonly share: number;
}

export async function startFaultProxy(opts: {
  readonly target: { readonly host: string; readonly port: number };
  /** deterministic draws (a seeded generator): the same seed injects the same faults */
  readonly random: () => number;
}): Promise<FaultProxy> {
  let window: Window | undefined;
  const hits: Record<ProxyFault, number> = {
    '5xx-before': 0,
    '5xx-after': 0,
    'reset-before': 0,
    'reset-after': 0,
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    onReply: (status: number, headers: Record<string, string | string[] | undefined>, data: Buffer) => void,
    onError: () => void,
  ) => {
    const up = request(
      {
        host: opts.target.host,
        port: opts.target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => onReply(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    up.on('error', onError);
    up.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const w = window;
    const fault =
      w !== undefined && w.until > Date.now() && req.url === '/exchange' && opts.random() < w.share
        ? w.kind
        : undefined;
    if (fault !== undefined) hits[fault] += 1;
    if (fault === 'reset-before') {
      req.socket.destroy();
      return;
    }
    if (fault === '5xx-before') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    forward(
      req,
      body,
      (status, headers, data) => {
        if (fault === 'reset-after') {
          req.socket.destroy();
          return;
        }
        if (fault === '5xx-after') {
          res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
          return;
        }
        const { 'transfer-encoding': _te, connection: _c, ...rest } = headers;
        res.writeHead(status, { ...rest, 'content-length': String(data.length) }).end(data);
      },
      () => {
        if (!res.headersSent) res.writeHead(502).end();
        else res.destroy();
      },
    );
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (kind, ms, share) => {
      window = { kind, until: Date.now() + ms, share };
    },
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
