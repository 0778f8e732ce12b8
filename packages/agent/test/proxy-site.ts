// What the proxy route tests deploy and how they reach it: a busybox httpd site with an L7 and
// an L4 route, an HTTPS request with SNI through the proxy, and a log sink to read lines from.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import { RouteMode, type ServiceSpec } from '@mcp/proto';
import { pino, type Logger } from 'pino';

import { service } from './harness.js';

export interface SiteOptions {
  image: string;
  /** Listener of the L7 route `web`. */
  l7Port: number;
  /** Listener of the L4 route `raw`. */
  l4Port: number;
  /** Default none: `<name>.svc.mcp.<zone>`. */
  l7Hostname?: string;
  /** Default true. */
  active?: boolean;
}

/**
 * A service serving `<srvRoot>/<name>/index.html` (written here) with busybox httpd on its L7
 * route `web`, and an L4 route `raw` (`raw.<name>.example.net`) on the same container. httpd
 * runs beside a shell that exits on SIGTERM: as PID 1 (`exec httpd`) it would ignore the signal
 * and every stop would wait 10 s.
 */
export function site(srvRoot: string, name: string, o: SiteOptions): ServiceSpec {
  const root = join(srvRoot, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.html'), `hello from ${name}\n`);
  const httpd = `trap 'exit 0' TERM; httpd -f -p $PORT_WEB -h /srv/${name} & wait`;
  const route = { public: false };

  const web = {
    name: 'web',
    image: o.image,
    cmd: ['sh', '-c', httpd],
    volumes: [`/srv/${name}:/srv/${name}`],
    routes: [
      {
        ...route,
        name: 'web',
        port: o.l7Port,
        mode: RouteMode.ROUTE_MODE_L7,
        hostname: o.l7Hostname ?? '',
      },
      {
        ...route,
        name: 'raw',
        port: o.l4Port,
        mode: RouteMode.ROUTE_MODE_L4,
        hostname: `raw.${name}.example.net`,
      },
    ],
  };
  return service(name, [web], o.active ?? true);
}

/** GET / over TLS to `address:port` with SNI and Host `hostname`, trusting `caPath`. */
export function httpsGet(
  address: string,
  port: number,
  hostname: string,
  caPath: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port,
        servername: hostname,
        headers: { host: hostname },
        path: '/',
        ca: readFileSync(caPath),
        agent: false,
        timeout: 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A pino logger at `level` whose lines land, parsed, in `lines`. */
export function capturedLog(level: string): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}
