import { mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CertificateMissingError } from '@mcp/mcproxy';
import { RouteMode, type RouteEntry } from '@mcp/proto';
import { afterAll, describe, expect, it } from 'vitest';

import { InvalidRouteError } from './errors.js';
import { checkRoute } from './route-rpcs.js';

const certDir = mkdtempSync(join(tmpdir(), 'agent-route-rpcs-'));
afterAll(() => rmSync(certDir, { recursive: true, force: true }));
writeFileSync(join(certDir, 'web.example.net.crt'), 'cert');
writeFileSync(join(certDir, 'web.example.net.key'), 'key');
symlinkSync('/etc/hostname', join(certDir, 'escape.crt'));

function route(extra: Partial<RouteEntry> = {}): RouteEntry {
  return {
    listenerPort: 443,
    hostname: 'web.example.net',
    backend: '127.0.0.2:20001',
    mode: RouteMode.ROUTE_MODE_L7,
    backendTls: false,
    tlsCertPath: '',
    tlsKeyPath: '',
    ...extra,
  };
}

describe('checkRoute', () => {
  it('checkRoute gives an L7 route without paths the pair of its hostname', () => {
    const r = checkRoute(route({ hostname: 'WEB.example.net.' }), certDir);

    expect(r.hostname).toBe('web.example.net');
    expect(r.tlsCertPath).toBe(join(certDir, 'web.example.net.crt'));
    expect(r.tlsKeyPath).toBe(join(certDir, 'web.example.net.key'));
  });

  it('checkRoute keeps the paths an L7 route names inside cert_dir, and an L4 route as it is', () => {
    const real = realpathSync(certDir);
    const named = route({
      tlsCertPath: join(certDir, 'web.example.net.crt'),
      tlsKeyPath: 'web.example.net.key',
    });
    const l4 = route({ mode: RouteMode.ROUTE_MODE_L4, backend: '[::1]:8443' });

    expect(checkRoute(named, certDir)).toEqual({
      ...named,
      tlsCertPath: join(real, 'web.example.net.crt'),
      tlsKeyPath: join(real, 'web.example.net.key'),
    });
    expect(checkRoute(l4, certDir)).toEqual(l4);
  });

  it.each([
    { what: 'an absolute path elsewhere', cert: '/etc/passwd', why: /outside the node's cert_dir/ },
    { what: 'a way out with ..', cert: '../../etc/passwd', why: /outside the node's cert_dir/ },
    { what: 'a link inside pointing out', cert: 'escape.crt', why: /outside the node's cert_dir/ },
    { what: 'a missing file', cert: 'gone.crt', why: /'gone.crt': no such file/ },
  ])('checkRoute refuses a certificate path that is $what', ({ cert, why }) => {
    const r = route({ tlsCertPath: cert, tlsKeyPath: 'web.example.net.key' });
    let err: unknown;
    try {
      checkRoute(r, certDir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRouteError);
    expect(String(err)).toMatch(/route\.tls_cert_path/);
    expect(String(err)).toMatch(why);
  });

  it('checkRoute refuses an L7 route whose hostname has no certificate', () => {
    expect(() => checkRoute(route({ hostname: 'other.example.net' }), certDir)).toThrow(
      CertificateMissingError,
    );
  });

  it.each([
    { what: 'no route', r: undefined, field: 'route' },
    { what: 'listener 0', r: route({ listenerPort: 0 }), field: 'route.listener_port' },
    { what: 'listener 65536', r: route({ listenerPort: 65536 }), field: 'route.listener_port' },
    { what: 'empty hostname', r: route({ hostname: '' }), field: 'route.hostname' },
    { what: 'hostname a.b_c', r: route({ hostname: 'a.b_c' }), field: 'route.hostname' },
    { what: 'empty label', r: route({ hostname: 'a..net' }), field: 'route.hostname' },
    { what: 'no backend port', r: route({ backend: '127.0.0.2' }), field: 'route.backend' },
    { what: 'backend port 0', r: route({ backend: '127.0.0.2:0' }), field: 'route.backend' },
    { what: 'bad backend host', r: route({ backend: 'a b:80' }), field: 'route.backend' },
    { what: 'no mode', r: route({ mode: RouteMode.ROUTE_MODE_UNSPECIFIED }), field: 'route.mode' },
    {
      what: 'an L4 route with a certificate',
      r: route({ mode: RouteMode.ROUTE_MODE_L4, tlsCertPath: '/c.crt' }),
      field: 'route.mode',
    },
    { what: 'a key alone', r: route({ tlsKeyPath: '/c.key' }), field: 'route.tls_cert_path' },
    { what: 'a cert alone', r: route({ tlsCertPath: '/c.crt' }), field: 'route.tls_key_path' },
  ])('checkRoute refuses $what, naming $field', ({ r, field }) => {
    const err = (() => {
      try {
        checkRoute(r, certDir);
      } catch (e) {
        return e;
      }
    })();

    expect(err).toBeInstanceOf(InvalidRouteError);
    expect((err as InvalidRouteError).field).toBe(field);
    expect((err as Error).message.startsWith(`${field}: `)).toBe(true);
  });
});
