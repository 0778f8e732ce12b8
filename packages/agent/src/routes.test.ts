import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CertificateMissingError } from '@mcp/mcproxy';
import { RouteMode, ServiceSpec, type RouteEntry } from '@mcp/proto';
import { afterAll, describe, expect, it } from 'vitest';

import type { PortRow } from './db/store.js';
import {
  l7Hostnames,
  requireCertificates,
  routeHostname,
  routeKeysOf,
  routesGone,
  wantedRoutes,
} from './routes.js';

const certDir = mkdtempSync(join(tmpdir(), 'agent-routes-'));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
writeFileSync(join(certDir, '_.svc.mcp.test.crt'), 'cert');
writeFileSync(join(certDir, '_.svc.mcp.test.key'), 'key');

const config = { address: '127.0.0.7', certDir, zone: 'test' };
const { ROUTE_MODE_L4: L4, ROUTE_MODE_L7: L7 } = RouteMode;

const spec = ServiceSpec.fromPartial({
  name: 'mcq',
  active: true,
  components: [
    {
      name: 'web',
      image: 'r/mcq:v1',
      routes: [
        { name: 'https', port: 443, mode: L7 },
        { name: 'raw', port: 8443, mode: L4, hostname: 'raw.example.net' },
      ],
    },
    { name: 'api', image: 'r/mcq:v1', routes: [{ name: '', port: 9443, mode: L4 }] },
  ],
});

function port(component: string, route: string, hostPort: number): PortRow {
  return {
    hostPort,
    service: 'mcq',
    component,
    route,
    listenerPort: 0,
    mode: 0,
    hostname: '',
    public: false,
  };
}

const ports = [port('web', 'https', 20001), port('web', 'raw', 20002), port('api', '', 20003)];

function entry(listenerPort: number, hostname: string, extra: Partial<RouteEntry> = {}) {
  return {
    listenerPort,
    hostname,
    backend: '',
    mode: L4,
    backendTls: false,
    tlsCertPath: '',
    tlsKeyPath: '',
    ...extra,
  };
}

describe('routeHostname', () => {
  it("routeHostname gives a public route the internal name: its public name is the edge's", () => {
    const name = (route: { hostname: string; public: boolean }) =>
      routeHostname('mcq', route, 'test');

    expect(name({ hostname: 'mcq.example.net', public: true })).toBe('mcq.svc.mcp.test');
    expect(name({ hostname: '', public: true })).toBe('mcq.svc.mcp.test');
    expect(name({ hostname: 'raw.example.net', public: false })).toBe('raw.example.net');
    expect(name({ hostname: '', public: false })).toBe('mcq.svc.mcp.test');
  });

  it('l7Hostnames lists the proxy hostnames of the L7 routes once, public ones as internal', () => {
    const mixed = ServiceSpec.fromPartial({
      name: 'mcq',
      components: [
        {
          name: 'web',
          routes: [
            { name: 'a', port: 443, mode: L7, hostname: 'mcq.example.net', public: true },
            { name: 'b', port: 8443, mode: L7 },
            { name: 'c', port: 9443, mode: L7, hostname: 'own.example.net' },
            { name: 'd', port: 9444, mode: L4, hostname: 'raw.example.net' },
          ],
        },
      ],
    });

    expect(l7Hostnames(mixed, 'test')).toEqual(['mcq.svc.mcp.test', 'own.example.net']);
  });
});

describe('wantedRoutes', () => {
  it('wantedRoutes makes one route per component route with its recorded host port', () => {
    expect(wantedRoutes({ spec, ports }, config)).toEqual([
      entry(443, 'mcq.svc.mcp.test', {
        backend: '127.0.0.7:20001',
        mode: L7,
        tlsCertPath: join(certDir, '_.svc.mcp.test.crt'),
        tlsKeyPath: join(certDir, '_.svc.mcp.test.key'),
      }),
      entry(8443, 'raw.example.net', { backend: '127.0.0.7:20002' }),
      entry(9443, 'mcq.svc.mcp.test', { backend: '127.0.0.7:20003' }),
    ]);
  });

  it('wantedRoutes leaves out a route that holds no host port', () => {
    const routes = wantedRoutes({ spec, ports: ports.slice(1) }, config);

    expect(routes.map((r) => r.listenerPort)).toEqual([8443, 9443]);
  });

  it('wantedRoutes refuses an L7 route without a certificate, naming hostname and directory', () => {
    const other = { ...config, zone: 'elsewhere' };

    expect(() => wantedRoutes({ spec, ports }, other)).toThrow(CertificateMissingError);
    expect(() => wantedRoutes({ spec, ports }, other)).toThrow(
      `'mcq.svc.mcp.elsewhere' in '${certDir}'`,
    );
  });
});

describe('routeKeysOf', () => {
  it('routeKeysOf gives the same routes without looking for certificates', () => {
    const keys = routeKeysOf({ spec, ports }, { ...config, zone: 'elsewhere' });

    expect(keys.map((r) => [r.listenerPort, r.hostname, r.tlsCertPath])).toEqual([
      [443, 'mcq.svc.mcp.elsewhere', ''],
      [8443, 'raw.example.net', ''],
      [9443, 'mcq.svc.mcp.elsewhere', ''],
    ]);
  });
});

describe('requireCertificates', () => {
  it('requireCertificates lists the L7 hostnames whose certificate is there', () => {
    expect(requireCertificates(spec, config)).toEqual(['mcq.svc.mcp.test']);
  });

  it('requireCertificates names the first L7 hostname without a certificate', () => {
    const named = ServiceSpec.fromPartial({
      ...spec,
      components: [
        { name: 'web', routes: [{ name: '', port: 443, mode: L7, hostname: 'w.example.net' }] },
      ],
    });

    expect(() => requireCertificates(named, config)).toThrow(/'w\.example\.net' in/);
  });
});

describe('routesGone', () => {
  it('routesGone keeps the routes whose key the new table lacks, case aside', () => {
    const before = [entry(443, 'a.example.net'), entry(443, 'B.example.net'), entry(8443, 'c.x')];
    const after = [entry(443, 'b.example.net', { backend: 'new:1' }), entry(443, 'c.x')];

    expect(routesGone(before, after)).toEqual([before[0], before[2]]);
  });
});
