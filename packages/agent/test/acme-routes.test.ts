// Certificates through ACME for the node's proxy (real Pebble, testkit's mc-proxy stand-in, real
// containers): obtained before anything is created, for the internal name only, refused with
// Pebble down, and renewed by the route keeper while the proxy and the container keep running.
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import type { AcmeSettings } from '@mcp/mcproxy';
import { ProxyClient } from '@mcp/mcproxy';
import { StepStatus, type Step } from '@mcp/proto';
import {
  allocateLoopbackAddress,
  createTestCa,
  freePort,
  startMcProxy,
  startPebble,
  type McProxy,
  type Pebble,
} from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Agent } from '../src/agent.js';
import { startHarness, type Harness } from './harness.js';
import { site as siteSpec } from './proxy-site.js';

let h: Harness;
let proxy: McProxy;
let admin: ProxyClient;
let pebble: Pebble;
let dir: string;
let acme: AcmeSettings;
let l7Port: number;
let l4Port: number;
let agents = 0;
const ZONE = 'test';

beforeAll(async () => {
  h = await startHarness();
  dir = join(h.podman.dir, '..', 'acme-routes');
  const address = allocateLoopbackAddress();
  l7Port = await freePort(address);
  l4Port = await freePort(address);
  proxy = await startMcProxy({ dir: join(dir, 'p'), address, listeners: [l7Port, l4Port] });
  admin = new ProxyClient(proxy.socketPath);
  pebble = await startPebble({ dir: join(dir, 'pebble'), address: allocateLoopbackAddress() });
  const keyFile = join(dir, 'eab.key');
  writeFileSync(keyFile, `${pebble.eab.hmacKey}\n`, { mode: 0o600 });
  acme = {
    directoryUrl: pebble.directoryUrl,
    caFile: pebble.caFile,
    eabKid: pebble.eab.kid,
    eabHmacKeyFile: keyFile,
    renewBeforeDays: 30,
    checkIntervalMs: 3_600_000,
  };
});

afterAll(async () => {
  admin?.close();
  await proxy?.stop();
  await pebble?.stop();
  await h?.stop();
});

/** An agent with [acme] on this file's proxy, with a cert_dir of its own. */
function agent(): Agent {
  const certDir = join(dir, `certs-${++agents}`);
  return h.agent({ proxySocket: proxy.socketPath, certDir, zone: ZONE, acme });
}

/** The site `name`: L7 route `web` (public as `<name>.example.net` when asked), L4 `raw`. */
function site(a: Agent, name: string, options: { public?: boolean } = {}) {
  const spec = siteSpec(a.config.srvRoot, name, { image: h.images[0], l7Port, l4Port });
  const web = spec.components[0]?.routes[0];
  if (web && options.public) Object.assign(web, { public: true, hostname: `${name}.example.net` });
  return spec;
}

function step(steps: Step[], name: string): Step | undefined {
  return steps.find((s) => s.name === name);
}

/** The proxy's routes on the L7 listener, as hostnames. */
async function l7Routes(): Promise<string[]> {
  return (await admin.listRoutes()).filter((r) => r.listenerPort === l7Port).map((r) => r.hostname);
}

/** GET / through the proxy with SNI `hostname`, trusting `ca` (PEM); the answer and the leaf. */
function viaProxy(hostname: string, ca: string) {
  return new Promise<{ status: number; body: string; cert: X509Certificate }>((resolve, reject) => {
    const req = request(
      {
        host: proxy.address,
        port: l7Port,
        servername: hostname,
        headers: { host: hostname },
        ca,
        agent: false,
        timeout: 5_000,
      },
      (res) => {
        const peer = res.socket as TLSSocket;
        const cert = peer.getPeerX509Certificate();
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          if (cert) resolve({ status: res.statusCode ?? 0, body, cert });
          else reject(new Error('no peer certificate'));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('ACME certificates on the node proxy', () => {
  it('deploy obtains a Pebble certificate for the internal name, and the proxy presents it', async () => {
    const a = agent();

    const out = await a.deploy(site(a, 'acme1', { public: true }));
    const internal = `acme1.svc.mcp.${ZONE}`;
    const got = await viaProxy(internal, await pebble.rootPem());
    const [status] = await a.status('acme1');
    const web = status?.components[0]?.ports.find((p) => p.route === 'web');

    expect(out.steps.hasFailed).toBe(false);
    expect(step(out.steps.list, 'certificates')?.detail).toMatch(
      new RegExp(`^obtained for ${internal.replace(/\./g, '\\.')} \\(valid until `),
    );
    expect(got.status).toBe(200);
    expect(got.body).toBe('hello from acme1\n');
    expect(got.cert.subjectAltName).toBe(`DNS:${internal}`);
    expect(await l7Routes()).toContain(internal);
    expect(await l7Routes()).not.toContain('acme1.example.net');
    expect(web?.proxyHostname).toBe(internal);
    expect(web?.tlsNotAfterMs).toBe(Date.parse(got.cert.validTo));

    const again = await a.deploy(site(a, 'acme1', { public: true }));
    expect(again.steps.hasFailed).toBe(false);
    expect(step(again.steps.list, 'certificates')?.detail).toBe(
      `kept for ${internal} (valid until ${new Date(Date.parse(got.cert.validTo)).toISOString()})`,
    );
  });

  it('Pebble down: the certificates step fails, no container is created, no route registered', async () => {
    const a = agent();

    await pebble.stop();
    const out = await a.deploy(site(a, 'acme2')).finally(() => pebble.start());

    const failed = step(out.steps.list, 'certificates');
    expect(failed?.status).toBe(StepStatus.STEP_STATUS_FAILED);
    expect(failed?.error).toContain(
      `failed to obtain a certificate for 'acme2.svc.mcp.${ZONE}' from '${pebble.directoryUrl}': ` +
        'the directory did not answer',
    );
    expect(out.steps.list.map((s) => s.name)).not.toContain('containers');
    expect(await a.runtime.listOwned('acme2')).toEqual([]);
    expect(a.store.get('acme2')).toBeUndefined();
    expect(await l7Routes()).not.toContain(`acme2.svc.mcp.${ZONE}`);
  });

  it('the route keeper renews a short-lived pair and the proxy serves it, nothing restarted', async () => {
    const a = agent();
    const internal = `acme3.svc.mcp.${ZONE}`;
    const out = await a.deploy(site(a, 'acme3'));
    const ca = await createTestCa(join(dir, 'short-ca'));
    await ca.issue({ names: [internal], dir: a.config.certDir, days: 1 });
    const caPem = readFileSync(ca.certPath, 'utf8');
    const [before] = await a.status('acme3');
    const short = await viaProxy(internal, caPem);
    const proxyPid = proxy.pid;

    await a.keepRoutes();

    const renewed = await viaProxy(internal, await pebble.rootPem());
    const [after] = await a.status('acme3');
    const shortNotAfter = before?.components[0]?.ports.find((p) => p.route === 'web');
    const renewedNotAfter = after?.components[0]?.ports.find((p) => p.route === 'web');
    expect(out.steps.hasFailed).toBe(false);
    expect(short.cert.issuer).toBe(new X509Certificate(caPem).subject);
    expect(renewed.status).toBe(200);
    expect(renewed.cert.serialNumber).not.toBe(short.cert.serialNumber);
    expect(renewed.cert.issuer).not.toBe(short.cert.issuer);
    expect(renewed.cert.subjectAltName).toBe(`DNS:${internal}`);
    expect(shortNotAfter?.tlsNotAfterMs).toBe(Date.parse(short.cert.validTo));
    expect(renewedNotAfter?.tlsNotAfterMs).toBe(Date.parse(renewed.cert.validTo));
    expect(proxy.pid).toBe(proxyPid);
    expect(after?.components[0]?.containerId).toBe(before?.components[0]?.containerId);
    expect(after?.components[0]?.startedAtMs).toBe(before?.components[0]?.startedAtMs);
  });
});
