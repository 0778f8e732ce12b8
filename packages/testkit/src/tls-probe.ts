// A bare TLS handshake, for tests that check which protocol versions a server takes.
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';

/** What `tlsHandshake` tries. */
export interface HandshakeOptions {
  /** `host:port` (IPv4 or a name). */
  readonly address: string;
  /** The CA the server's certificate must chain to. */
  readonly caFile: string;
  /** The newest version the client offers. Default TLSv1.3. */
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** ALPN protocols offered. Default `['h2']`, as a gRPC client would. */
  readonly alpn?: readonly string[];
}

/**
 * `connected with <protocol>` when the handshake completes, else the error's code (for
 * example `ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION`) or message. Never throws.
 */
export function tlsHandshake(options: HandshakeOptions): Promise<string> {
  const at = options.address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({
      host: options.address.slice(0, at),
      port: Number(options.address.slice(at + 1)),
      maxVersion: options.maxVersion ?? 'TLSv1.3',
      ALPNProtocols: [...(options.alpn ?? ['h2'])],
      ca: readFileSync(options.caFile),
    });
    socket.once('secureConnect', () => {
      resolve(`connected with ${socket.getProtocol() ?? '?'}`);
      socket.destroy();
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      resolve(err.code ?? err.message);
      socket.destroy();
    });
  });
}
