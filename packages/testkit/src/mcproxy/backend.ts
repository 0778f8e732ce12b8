// A route's backend address split for net.connect and http.request.

/** host and port of `host:port` or `[v6]:port` (brackets removed). */
export function splitBackend(backend: string): { host: string; port: number } {
  const at = backend.lastIndexOf(':');
  const host = backend.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(backend.slice(at + 1)) };
}

/** A fatal TLS alert record (TLS 1.2 framing, which TLS 1.3 clients accept before the hello). */
export function tlsAlert(description: 'unrecognized_name' | 'internal_error'): Buffer {
  const code = description === 'unrecognized_name' ? 112 : 80;
  return Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, code]);
}
