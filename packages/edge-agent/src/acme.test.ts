// The edge with [acme]: certificates of public hostnames from real Pebble, obtained before a
// route is kept, refused with Pebble down, and renewed by the re-sync loop.
import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { ProxyClient } from '@mcp/mcproxy';
import { EdgeRoute, RouteMode } from '@mcp/proto';
import { allocateLoopbackAddress, startPebble, waitFor, type Pebble } from '@mcp/testkit';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { edgeHarness, refusal, type EdgeHarness, type EdgeUnderTest } from '../test/edge.js';

let h: EdgeHarness;
let edge: EdgeUnderTest;
let pebble: Pebble;
let backend: string;
let admin: ProxyClient;

beforeAll(async () => {
  h = await edgeHarness('mcp-edge-acme-');
  pebble = await startPebble({ dir: join(h.base, 'pebble'), address: allocateLoopbackAddress() });
  const keyFile = join(h.base, 'eab.key');
  writeFileSync(keyFile, pebble.eab.hmacKey, { mode: 0o600 });
  edge = await h.start([
    'heartbeat_interval_ms = 200',
    '[acme]',
    `directory_url = "${pebble.directoryUrl}"`,
    `ca_file = "${pebble.caFile}"`,
    `eab_kid = "${pebble.eab.kid}"`,
    `eab_hmac_key_file = "${keyFile}"`,
    'renew_before_days = 30',
    'check_interval_ms = 100',
  ]);
  backend = await h.backend('hello from the edge');
  admin = new ProxyClient(h.proxy.socketPath);
});

afterAll(async () => {
  admin?.close();
  await h.teardown();
});

function route(hostname: string): EdgeRoute {
  return EdgeRoute.fromPartial({
    hostname,
    listenerPort: h.listener,
    backend,
    mode: RouteMode.ROUTE_MODE_L7,
    service: 'shop',
    node: 'rift',
  });
}

/** GET / through the edge's proxy with SNI `sni`, trusting `ca` (PEM); the body and the leaf. */
function viaEdge(sni: string, ca: string) {
  return new Promise<{ body: string; cert: X509Certificate }>((resolve, reject) => {
    const req = request(
      {
        host: h.address,
        port: h.listener,
        servername: sni,
        headers: { host: sni },
        ca,
        agent: false,
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => (cert ? resolve({ body, cert }) : reject(new Error('no certificate'))));
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('edge with [acme]', () => {
  it('SetupEdgeRoute obtains a Pebble certificate for the public name only, and the edge serves it', async () => {
    const answer = await edge.client.setupEdgeRoute({ route: route('shop.example.net') });

    const got = await viaEdge('shop.example.net', await pebble.rootPem());
    const { routes } = await edge.client.listEdgeRoutes({});
    const listed = routes.find((r) => r.hostname === 'shop.example.net');
    expect(answer.change).toBe('added');
    expect(answer.route?.tlsCertPath).toBe(join(h.certDir, 'shop.example.net.crt'));
    expect(got.body).toBe('hello from the edge');
    expect(got.cert.subjectAltName).toBe('DNS:shop.example.net');
    expect(got.cert.subjectAltName).not.toContain('.svc.mcp.');
    expect(listed?.tlsNotAfterMs).toBe(Date.parse(got.cert.validTo));
    expect(answer.route?.tlsNotAfterMs).toBe(listed?.tlsNotAfterMs);
  });

  it('SetupEdgeRoute with Pebble down is FAILED_PRECONDITION, and nothing is stored or registered', async () => {
    await pebble.stop();
    const err = await refusal(() =>
      edge.client.setupEdgeRoute({ route: route('down.example.net') }),
    ).finally(() => pebble.start());

    const { routes } = await edge.client.listEdgeRoutes({});
    const proxied = await admin.listRoutes();
    expect(err.code).toBe(Status.FAILED_PRECONDITION);
    expect(err.details).toContain(
      `failed to obtain a certificate for 'down.example.net' from '${pebble.directoryUrl}': ` +
        'the directory did not answer',
    );
    expect(routes.map((r) => r.hostname)).not.toContain('down.example.net');
    expect(proxied.map((r) => r.hostname)).not.toContain('down.example.net');
  });

  it('the re-sync loop renews a short-lived pair and the proxy serves the new one', async () => {
    const serialIn = (file: string) => new X509Certificate(readFileSync(file)).serialNumber;
    const { route: set } = await edge.client.setupEdgeRoute({ route: route('renew.example.net') });
    const first = serialIn(set?.tlsCertPath ?? '');
    // A test-CA pair of one day put in place of the Pebble one: inside the 30-day window.
    const short = await h.ca.issue({ names: ['renew.example.net'], dir: h.certDir, days: 1 });
    const caPem = readFileSync(h.ca.certPath, 'utf8');
    const shortSerial = serialIn(short.certPath);
    const root = await pebble.rootPem();

    const renewed = await waitFor(() => viaEdge('renew.example.net', root).catch(() => undefined), {
      what: 'a renewed certificate on the edge',
      timeoutMs: 30_000,
      intervalMs: 200,
    });

    const { routes } = await edge.client.listEdgeRoutes({});
    const listed = routes.find((r) => r.hostname === 'renew.example.net');
    expect(renewed.cert.issuer).not.toBe(new X509Certificate(caPem).subject);
    expect(renewed.cert.subjectAltName).toBe('DNS:renew.example.net');
    expect(renewed.body).toBe('hello from the edge');
    expect(listed?.tlsNotAfterMs).toBe(Date.parse(renewed.cert.validTo));
    expect(renewed.cert.serialNumber).not.toBe(first);
    expect(renewed.cert.serialNumber).not.toBe(shortSerial);
    expect(set?.tlsCertPath).toBe(short.certPath);
  });

  it('the re-sync falls back to the wildcard pair while the own pair is gone and Pebble is down', async () => {
    const { route: set } = await edge.client.setupEdgeRoute({ route: route('fall.example.net') });
    const wildcard = await h.ca.issue({ names: ['*.example.net'], dir: h.certDir });
    const caPem = readFileSync(h.ca.certPath, 'utf8');
    const served = async () =>
      (await admin.listRoutes()).find((r) => r.hostname === 'fall.example.net')?.tlsCertPath;

    await pebble.stop();
    let fallback: { body: string; cert: X509Certificate };
    try {
      rmSync(set?.tlsCertPath ?? '');
      rmSync(set?.tlsKeyPath ?? '');
      await waitFor(async () => (await served()) === wildcard.certPath || undefined, {
        what: 'the route on the wildcard pair',
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      fallback = await viaEdge('fall.example.net', caPem);
    } finally {
      await pebble.start();
    }
    // Pebble back: the renewal orders the own pair again, and the re-sync returns to it.
    await waitFor(async () => (await served()) === set?.tlsCertPath || undefined, {
      what: 'the route back on its own pair',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    rmSync(wildcard.certPath);
    rmSync(wildcard.keyPath);

    const back = await viaEdge('fall.example.net', await pebble.rootPem());
    expect(set?.tlsCertPath).toBe(join(h.certDir, 'fall.example.net.crt'));
    expect(wildcard.certPath).toBe(join(h.certDir, '_.example.net.crt'));
    expect(fallback.body).toBe('hello from the edge');
    expect(fallback.cert.subjectAltName).toBe('DNS:*.example.net');
    expect(back.cert.subjectAltName).toBe('DNS:fall.example.net');
  });
});
