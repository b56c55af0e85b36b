import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the loopback venue received: path, content type and the raw body bytes. */
export interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** How the venue answers one request: a status and body, or never (a hanging request). */
export type Reply =
  | { readonly status: number; readonly json?: unknown; readonly text?: string }
  | { readonly hang: true };

export interface LoopbackVenue {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: readonly Received[];
  /** queues the answers to the next requests, in order (then 500 "unscripted") */
  reply(...replies: Reply[]): void;
  close(): Promise<void>;
}

/** A real `node:http` server on 127.0.0.1:0 that plays the venue's `/exchange` and `/info`. */
export async function startLoopbackVenue(): Promise<LoopbackVenue> {
  const received: Received[] = [];
  const queue: Reply[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = queue.shift() ?? { status: 500, text: 'unscripted' };
      if ('hang' in reply) {
        hanging.push(res);
        return;
      }
      const body = reply.text ?? JSON.stringify(reply.json ?? null);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    reply: (...replies) => queue.push(...replies),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
