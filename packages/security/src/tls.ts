// TLS 1.3 only, on both ends of every gRPC channel; the peer is verified against the platform CA.
import { createSecureContext } from 'node:tls';

import { ChannelCredentials, ServerCredentials } from '@grpc/grpc-js';

import { readPublicFile, readSecretFile } from './secret-file.js';

/** The oldest protocol any mcp server or client speaks. */
export const MIN_TLS_VERSION = 'TLSv1.3';

/** Files of a server's TLS identity. */
export interface ServerTlsFiles {
  /** The platform CA (PEM); kept for the day servers verify client certificates too. */
  readonly caFile: string;
  /** The server's certificate chain (PEM). */
  readonly certFile: string;
  /** Its private key (PEM); read only when its mode is 0600 or stricter. */
  readonly keyFile: string;
}

// grpc-js's createSsl offers no protocol floor, so the options go to its base class directly;
// they reach http2.createSecureServer unchanged (server.js createHttp2Server).
class Tls13ServerCredentials extends ServerCredentials {
  constructor(files: ServerTlsFiles) {
    super(
      { requestCert: false, minVersion: MIN_TLS_VERSION },
      {
        ca: readPublicFile(files.caFile, 'CA certificate'),
        cert: readPublicFile(files.certFile, 'TLS certificate'),
        key: readSecretFile(files.keyFile, 'TLS private key'),
        minVersion: MIN_TLS_VERSION,
      },
    );
  }

  _equals(other: ServerCredentials): boolean {
    return other === this;
  }
}

/** Credentials for `server.listen(address, credentials)`: TLS 1.3 only. */
export function serverCredentials(files: ServerTlsFiles): ServerCredentials {
  return new Tls13ServerCredentials(files);
}

/**
 * Credentials for `createChannel(address, credentials)`: TLS 1.3 only, the server's certificate
 * verified against `caFile` and checked for the name or IP address dialled.
 */
export function channelCredentials(caFile: string): ChannelCredentials {
  quietIpServername();
  const context = createSecureContext({
    ca: readPublicFile(caFile, 'CA certificate'),
    minVersion: MIN_TLS_VERSION,
  });
  return ChannelCredentials.createFromSecureContext(context);
}

let servernameQuiet = false;

/**
 * grpc-js passes the host dialled as the TLS server name even when it is an IP address, and Node
 * then prints DEP0123 ("Setting the TLS ServerName to an IP address is not permitted by RFC
 * 6066") on stderr; masters and agents are dialled by IP address. The name is only
 * sent, never trusted: the certificate is still checked against the IP. Upstream:
 * https://github.com/grpc/grpc-node/issues/1919. Only that one warning is dropped.
 */
function quietIpServername(): void {
  if (servernameQuiet) return;
  servernameQuiet = true;
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const [type, code] = rest;
    const options = typeof type === 'object' && type !== null ? (type as { code?: string }) : {};
    if (code === 'DEP0123' || options.code === 'DEP0123') return;
    (emit as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}
