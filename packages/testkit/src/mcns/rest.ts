// The MCNS stand-in's REST API: /v1/zones/{zone}/records (GET, POST) and
// /v1/zones/{zone}/records/{id} (PUT, DELETE), every call with `Authorization: Bearer <token>`.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Log } from '../mcproxy/log.js';
import { BadRecordError, normaliseName, parseRecord } from './records.js';
import { DuplicateRecordError, type RecordStore } from './store.js';

const PATH = /^\/v1\/zones\/([^/]+)\/records(?:\/([^/]+))?$/;

/** Largest request body read, in bytes. */
const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Serves the REST API on `address:port`; resolves once it listens. */
export async function serveRest(
  address: string,
  port: number,
  parts: { store: RecordStore; token: string; log: Log },
): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, parts)
      .then(({ status, body }) => reply(res, status, body))
      .catch((err: unknown) => {
        const status = statusOf(err);
        const message = err instanceof Error ? err.message : String(err);
        if (status === 500) parts.log('error', 'request failed', { err, url: req.url });
        reply(res, status, { error: message });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  return server;
}

async function handle(
  req: IncomingMessage,
  { store, token, log }: { store: RecordStore; token: string; log: Log },
): Promise<{ status: number; body?: unknown }> {
  if (!authorised(req.headers.authorization, token)) {
    throw new HttpError(401, 'a valid bearer token is required');
  }
  const url = new URL(req.url ?? '/', 'http://mcns');
  const match = PATH.exec(url.pathname);
  if (!match) throw new HttpError(404, `no such path '${url.pathname}'`);
  const zone = normaliseName(decodeURIComponent(match[1] ?? ''));
  const id = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
  if (!store.has(zone)) throw new HttpError(404, `no zone '${zone}'`);

  const method = req.method ?? 'GET';
  if (id === undefined && method === 'GET') {
    const name = url.searchParams.get('name');
    const type = url.searchParams.get('type');
    const filter = {
      name: name === null ? undefined : normaliseName(name),
      type: type === null ? undefined : type.toUpperCase(),
    };
    return { status: 200, body: { records: store.list(zone, filter) } };
  }
  if (id === undefined && method === 'POST') {
    const record = store.create(zone, parseRecord(await readBody(req), zone));
    log('info', 'record created', { zone, ...record });
    return { status: 201, body: { record } };
  }
  if (id !== undefined && method === 'PUT') {
    const record = store.replace(zone, id, parseRecord(await readBody(req), zone));
    if (!record) throw new HttpError(404, `no record '${id}' in zone '${zone}'`);
    log('info', 'record replaced', { zone, ...record });
    return { status: 200, body: { record } };
  }
  if (id !== undefined && method === 'DELETE') {
    if (!store.remove(zone, id)) throw new HttpError(404, `no record '${id}' in zone '${zone}'`);
    log('info', 'record deleted', { zone, id });
    return { status: 204 };
  }
  throw new HttpError(405, `${method} is not allowed on '${url.pathname}'`);
}

function authorised(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, `a body is at most ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body: not JSON');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

/** Maps what the store and the checks throw to an HTTP status. */
function statusOf(err: unknown): number {
  if (err instanceof BadRecordError) return 400;
  if (err instanceof DuplicateRecordError) return 409;
  return err instanceof HttpError ? err.status : 500;
}
