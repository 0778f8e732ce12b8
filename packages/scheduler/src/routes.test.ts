import { RouteEntry, RouteMode } from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { DuplicateRouteError } from './errors.js';
import { diffRoutes, routeKey } from './routes.js';
import { catchError } from './test-support/fleet.js';

function route(hostname: string, over: Partial<RouteEntry> = {}): RouteEntry {
  return RouteEntry.fromPartial({
    listenerPort: 443,
    hostname,
    backend: '100.64.0.2:20000',
    mode: RouteMode.ROUTE_MODE_L7,
    tlsCertPath: '/srv/mc-proxy/certs/web.pem',
    tlsKeyPath: '/srv/mc-proxy/certs/web.key',
    ...over,
  });
}

describe('diffRoutes', () => {
  it('diffRoutes adds, updates and removes, leaving equal routes alone', () => {
    const keep = route('keep.example.net');
    const moved = route('moved.example.net');
    const movedNow = route('moved.example.net', { backend: '100.64.0.3:20001' });
    const gone = route('gone.example.net');
    const added = route('new.example.net');

    const diff = diffRoutes([keep, movedNow, added], [gone, moved, keep]);

    expect(diff).toEqual({
      add: [added],
      update: [{ current: moved, desired: movedNow }],
      remove: [gone],
    });
  });

  it.each([
    { desc: 'the backend', over: { backend: '100.64.0.9:1' } },
    { desc: 'the mode', over: { mode: RouteMode.ROUTE_MODE_L4 } },
    { desc: 're-encryption', over: { backendTls: true } },
    { desc: 'the certificate', over: { tlsCertPath: '/other.pem' } },
    { desc: 'the key', over: { tlsKeyPath: '/other.key' } },
  ])('diffRoutes updates a route whose $desc changes', ({ over }) => {
    const diff = diffRoutes([route('web.example.net', over)], [route('web.example.net')]);

    expect(diff.update).toHaveLength(1);
    expect(diff.add).toEqual([]);
    expect(diff.remove).toEqual([]);
  });

  it('diffRoutes keys routes by listener port as well as hostname', () => {
    const tls = route('web.example.net');
    const plain = route('web.example.net', { listenerPort: 8443 });

    expect(diffRoutes([tls, plain], [tls])).toEqual({ add: [plain], update: [], remove: [] });
  });

  it('diffRoutes compares hostnames as DNS names', () => {
    const current = route('web.example.net');

    expect(diffRoutes([route('WEB.Example.NET.')], [current])).toEqual({
      add: [],
      update: [],
      remove: [],
    });
  });

  it('diffRoutes sorts each list by listener port, then hostname', () => {
    const desired = [
      route('b.example.net', { listenerPort: 8443 }),
      route('b.example.net'),
      route('a.example.net', { listenerPort: 8443 }),
    ];

    const added = diffRoutes(desired, []).add.map((r) => `${r.listenerPort} ${r.hostname}`);

    expect(added).toEqual(['443 b.example.net', '8443 a.example.net', '8443 b.example.net']);
  });

  it('diffRoutes of two empty tables is empty', () => {
    expect(diffRoutes([], [])).toEqual({ add: [], update: [], remove: [] });
  });

  it.each(['desired', 'current'] as const)(
    'diffRoutes refuses a %s table with one key twice',
    (table) => {
      const twice = [route('web.example.net'), route('Web.example.net', { backend: 'x:1' })];

      const err = catchError(() =>
        table === 'desired' ? diffRoutes(twice, []) : diffRoutes([], twice),
      );

      expect(err).toBeInstanceOf(DuplicateRouteError);
      expect(err).toMatchObject({
        code: 'DUPLICATE_ROUTE',
        listenerPort: 443,
        hostname: 'Web.example.net',
        table,
      });
      expect(err.message).toBe(
        `failed to diff route 'Web.example.net:443': it appears twice in the ${table} table`,
      );
    },
  );
});

describe('routeKey', () => {
  it('routeKey joins the listener port and the lower-cased hostname', () => {
    expect(routeKey(route('Web.Example.net.'))).toBe('443 web.example.net');
  });
});
