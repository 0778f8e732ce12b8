import type { RequestOptions } from 'node:http';
import { request } from 'node:http';

/** One HTTP request over a Unix socket, such as the Docker-compatible API of Podman. */
export interface UnixRequest {
  readonly socketPath: string;
  /** Path and query, e.g. `/v1.41/containers/json?all=true`. */
  readonly path: string;
  /** Default: `GET`. */
  readonly method?: string;
  /** Sent as JSON when given. Default: no body. */
  readonly body?: unknown;
  /** Abort after this long. Default: 30 000 ms. */
  readonly timeoutMs?: number;
}

/** A whole answer; any status is returned, not thrown. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Sends one request over a Unix socket and reads the whole answer. */
export function unixRequest(req: UnixRequest): Promise<HttpResponse> {
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string | number> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }

  return send(
    { socketPath: req.socketPath, host: 'd', path: req.path, method: req.method ?? 'GET', headers },
    payload,
    req.timeoutMs,
  );
}

/**
 * Sends one plain-HTTP request without keep-alive. (Global `fetch` keeps idle sockets that hold
 * a short script open for seconds after its work is done.)
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<HttpResponse> {
  const { hostname, port, pathname, search } = new URL(url);

  return send(
    {
      host: hostname,
      port,
      path: `${pathname}${search}`,
      method: options.method ?? 'GET',
      headers: options.headers,
    },
    undefined,
    options.timeoutMs,
  );
}

function send(
  options: RequestOptions,
  payload: string | undefined,
  timeoutMs = 30_000,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const call = request({ ...options, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.once('error', reject);
    });
    call.once('timeout', () => call.destroy(new Error(`request ${options.path} timed out`)));
    call.once('error', reject);
    call.end(payload);
  });
}
