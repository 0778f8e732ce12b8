// L7 routes: TLS is terminated here with the route's certificate, and each HTTP/1.1 request is
// forwarded to the backend, over plain HTTP or re-encrypted to HTTPS.
import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { checkServerIdentity, TLSSocket } from 'node:tls';

import type { mcproxy } from '@mcp/proto';

import { splitBackend, tlsAlert } from './backend.js';
import type { CertificateCache } from './certs.js';
import type { Log } from './log.js';

// Connection-scoped headers (RFC 9110 section 7.6.1) are not forwarded.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

/** How long a backend may take to answer before the client gets a 502. */
const BACKEND_TIMEOUT_MS = 30_000;

/** Terminates TLS for L7 routes and proxies their requests. */
export class HttpProxy {
  private readonly routes = new WeakMap<Socket, mcproxy.Route>();
  private readonly server = createServer((req, res) => this.forward(req, res));
  // No pooled backend connections: a backend that moved or restarted is never reached through
  // a stale socket.
  private readonly httpAgent = new HttpAgent({ keepAlive: false });
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly certs: CertificateCache,
    private readonly log: Log,
    backendCa: Buffer | undefined,
  ) {
    this.httpsAgent = new HttpsAgent({ keepAlive: false, ca: backendCa });
    this.server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Takes over a connection whose ClientHello (`buffered`) chose an L7 route. */
  terminate(client: Socket, buffered: Buffer, route: mcproxy.Route): void {
    let tls: TLSSocket;
    try {
      const secureContext = this.certs.get(route.tlsCertPath, route.tlsKeyPath);
      client.unshift(buffered);
      tls = new TLSSocket(client, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    } catch (err) {
      this.log('warn', 'route certificate unusable', {
        hostname: route.hostname,
        certPath: route.tlsCertPath,
        err,
      });
      client.end(tlsAlert('internal_error'));
      return;
    }

    this.routes.set(tls, route);
    tls.on('error', (err) => {
      this.log('debug', 'client TLS failed', { hostname: route.hostname, err });
      tls.destroy();
    });
    tls.once('close', () => client.destroy());
    this.server.emit('connection', tls);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const route = this.routes.get(req.socket);
    if (route === undefined) {
      res.writeHead(500).end('no route for this connection\n');
      return;
    }

    const { host, port } = splitBackend(route.backend);
    const options = {
      host,
      port,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
      timeout: BACKEND_TIMEOUT_MS,
    };
    const upstream = route.backendTls
      ? httpsRequest({
          ...options,
          agent: this.httpsAgent,
          // Verified as the backend, not as the client's Host header (Node's default).
          servername: isIP(host) === 0 ? host : '',
          checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
        })
      : httpRequest({ ...options, agent: this.httpAgent });

    upstream.once('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutHopByHop(answer.headers));
      answer.pipe(res);
    });
    upstream.once('timeout', () => upstream.destroy(new Error('no answer in time')));
    upstream.once('error', (err) => {
      this.log('warn', 'backend request failed', { backend: route.backend, err });
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`failed to reach backend '${route.backend}': ${err.message}\n`);
    });
    req.pipe(upstream);
  }
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  return out;
}

// The backend sees the client's Host, and where the request came from.
function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const before = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = before ? `${String(before)}, ${client}` : client;
  headers['x-forwarded-proto'] = 'https';
  if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
  return headers;
}
