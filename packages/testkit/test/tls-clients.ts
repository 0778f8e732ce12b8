// Real clients and backends for the stand-in's traffic tests.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';

/** What a client saw: the status and body, and the certificate the server presented. */
export interface Seen {
  status: number;
  body: string;
  fingerprint: string;
}

/** One HTTPS GET on a new connection to host:port with the given SNI, trusting `caFile`. */
export function httpsGet(host: string, port: number, servername: string, caFile: string) {
  return new Promise<Seen>((resolve, reject) => {
    const req = request(
      { host, port, servername, ca: readFileSync(caFile), agent: false, path: '/page' },
      (res) => {
        const fingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, fingerprint }));
      },
    );
    req.setHeader('host', servername);
    req.on('error', reject);
    req.end();
  });
}

/** A TLS handshake with this SNI: resolves to the error, or to the bytes received when none. */
export function handshake(host: string, port: number, servername: string, caFile: string) {
  return new Promise<{ error?: Error; received: number }>((resolve) => {
    let received = 0;
    const socket = connect({ host, port, servername, ca: readFileSync(caFile) }, () => {
      socket.end('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    });
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', (error) => resolve({ error, received }));
    socket.on('close', () => resolve({ received }));
  });
}

/** The SHA-256 fingerprint Node reports for a PEM certificate file. */
export function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

/** A plain HTTP server on host, port 0. */
export function httpBackend(host: string, handler: RequestListener) {
  return listen(createHttpServer(handler), host);
}

/** An HTTPS server terminating its own TLS with a cert/key pair, on host, port 0. */
export function httpsBackend(
  host: string,
  pair: { certPath: string; keyPath: string },
  handler: RequestListener,
) {
  const server = createHttpsServer(
    { cert: readFileSync(pair.certPath), key: readFileSync(pair.keyPath) },
    handler,
  );
  return listen(server, host);
}

async function listen(server: Server, host: string): Promise<{ port: number; server: Server }> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}
