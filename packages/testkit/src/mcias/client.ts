// One HTTPS call of the MCIAS stand-in as its clients make it: TLS 1.3, the test CA as the only
// root, no keep-alive (so a stopped stand-in leaves no socket behind in the test).
import { request } from 'node:https';

/** A whole answer; any status is returned, not thrown. */
export interface MciasResponse {
  readonly status: number;
  /** The JSON body, or `{}` when there was none. */
  readonly body: Record<string, unknown>;
}

/** What `mciasCall` sends. */
export interface MciasCall {
  /** Base URL, `https://<address>:<port>`. */
  readonly url: string;
  /** PEM of the CA the server's certificate must chain to. */
  readonly ca: string | Buffer;
  readonly path: string;
  /** Default: `POST`. */
  readonly method?: string;
  /** Sent as JSON when an object; as is when a string (for malformed bodies). Default: none. */
  readonly body?: unknown;
  /** Sent as `Authorization: Bearer <token>`. Default: no header. */
  readonly bearer?: string;
  /** Abort after this long. Default: 10 000 ms. */
  readonly timeoutMs?: number;
}

/** Sends one request and reads the whole answer; rejects only when no answer came. */
export function mciasCall(call: MciasCall): Promise<MciasResponse> {
  const { hostname, port } = new URL(call.url);
  const payload =
    call.body === undefined || typeof call.body === 'string'
      ? call.body
      : JSON.stringify(call.body);
  const headers: Record<string, string | number> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  if (call.bearer !== undefined) headers.authorization = `Bearer ${call.bearer}`;
  const timeoutMs = call.timeoutMs ?? 10_000;

  return new Promise((resolve, reject) => {
    const req = request(
      {
        // URL keeps the brackets of an IPv6 host; the socket wants the bare address.
        host: hostname.replace(/^\[(.*)\]$/, '$1'),
        port,
        path: call.path,
        method: call.method ?? 'POST',
        headers,
        ca: call.ca,
        minVersion: 'TLSv1.3',
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', reject);
        res.once('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
            resolve({ status: res.statusCode ?? 0, body });
          } catch (err) {
            reject(new Error(`MCIAS stand-in ${call.path}: answer is not JSON`, { cause: err }));
          }
        });
      },
    );
    req.once('timeout', () => req.destroy(new Error(`request ${call.path} timed out`)));
    req.once('error', reject);
    req.end(payload);
  });
}
