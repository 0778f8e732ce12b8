// The MCIAS stand-in's HTTPS server: TLS 1.3 only, JSON in and out, a route table of path and
// method, and one log line per request that names no secret.
import { performance } from 'node:perf_hooks';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Log } from '../mcproxy/log.js';

/** What a handler answers: a status and, unless 204, a JSON body. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

/** Answers one request of a route; throws `HttpError` for a refusal. */
export type Handler = (req: IncomingMessage) => Promise<Reply>;

/** Path, then method, to handler. */
export type Routes = ReadonlyMap<string, Readonly<Record<string, Handler>>>;

/** Answered as `{ "error": message }` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Largest request body read, in bytes. */
const MAX_BODY = 64 * 1024;

// A path that is no route is logged cut short: enough to see a typo, too short to hold the
// signature of a token a client put in a URL by mistake.
const MAX_LOGGED_PATH = 48;

/** Serves `routes` on `address:port` with the PEM `cert` and `key`; resolves once it listens. */
export async function serveHttps(options: {
  address: string;
  port: number;
  cert: Buffer;
  key: Buffer;
  routes: Routes;
  log: Log;
}): Promise<Server> {
  const { routes, log } = options;
  const server = createServer(
    { cert: options.cert, key: options.key, minVersion: 'TLSv1.3' },
    (req, res) => {
      const started = performance.now();
      const path = new URL(req.url ?? '/', 'https://mcias').pathname;
      const methods = routes.get(path);
      const handler = methods?.[req.method ?? 'GET'];

      const answer = async (): Promise<Reply> => {
        if (methods === undefined) throw new HttpError(404, `no such path '${path}'`);
        if (handler === undefined) {
          res.setHeader('allow', Object.keys(methods).join(', '));
          throw new HttpError(405, `${req.method ?? ''} is not allowed on '${path}'`);
        }
        return handler(req);
      };
      void answer()
        .catch((err: unknown): Reply => {
          if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
          log('error', 'request failed', { err, path });
          return { status: 500, body: { error: 'internal error' } };
        })
        .then((out) => {
          // Logged before the answer goes out, so a client that has it finds the line.
          log('info', 'request', {
            method: req.method,
            path: methods === undefined ? path.slice(0, MAX_LOGGED_PATH) : path,
            status: out.status,
            durationMs: Math.round((performance.now() - started) * 10) / 10,
          });
          reply(res, out);
        })
        .catch((err: unknown) => {
          log('error', 'answer failed', { err, path });
          res.destroy();
        });
    },
  );
  server.on('tlsClientError', (err) => log('warn', 'tls handshake failed', { err }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.address, () => resolve());
  });
  return server;
}

/** The request's JSON body as an object; 400 for anything else, 413 past MAX_BODY. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, `a body is at most ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }

  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'body: a JSON object is required');
  }
  return body as Record<string, unknown>;
}

function reply(res: ServerResponse, { status, body }: Reply): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
