import { describe, expect, it } from 'vitest';

import { checkBackend, systemResolve, type Resolve } from './backend.js';
import { Overlay } from './overlay.js';

// The fleet's internal zone is served by MCNS in production; this machine's resolver knows no
// such zone, so names under it resolve through this table. One test below uses the real one.
const ZONE: Record<string, string[]> = {
  'web.svc.mcp.test': ['100.64.0.7'],
  'both.svc.mcp.test': ['100.64.0.7', 'fd7a:115c:a1e0::7'],
  'leaky.svc.mcp.test': ['100.64.0.7', '192.168.1.7'],
  'empty.svc.mcp.test': [],
};
const table: Resolve = async (name) => {
  const found = ZONE[name];
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${name}`);
  return found;
};
const rules = (resolve: Resolve = table) => ({
  overlay: new Overlay('100.64.0.0/10'),
  internalZone: 'svc.mcp.test',
  resolve,
});

describe('checkBackend', () => {
  it.each([
    { desc: 'an overlay address', backend: '100.64.0.7:20000', out: '100.64.0.7:20000' },
    { desc: 'the overlay edge', backend: '100.127.255.254:1', out: '100.127.255.254:1' },
    { desc: 'a zone name', backend: 'web.svc.mcp.test:20000', out: 'web.svc.mcp.test:20000' },
    {
      desc: 'a name with case and a dot',
      backend: 'WEB.svc.mcp.test.:80',
      out: 'web.svc.mcp.test:80',
    },
  ])('checkBackend accepts $desc', async ({ backend, out }) => {
    expect(await checkBackend(backend, rules())).toBe(out);
  });

  it.each([
    {
      desc: 'an address outside the overlay',
      backend: '192.168.1.7:80',
      why: /192\.168\.1\.7 is outside the overlay network 100\.64\.0\.0\/10/,
    },
    { desc: 'an IPv6 address outside it', backend: '[fd7a::7]:80', why: /outside the overlay/ },
    { desc: 'IPv6 without brackets', backend: 'fd7a::7:80', why: /not host:port/ },
    { desc: 'no port', backend: '100.64.0.7', why: /not host:port/ },
    { desc: 'port 0', backend: '100.64.0.7:0', why: /port 0 is not between 1 and 65535/ },
    { desc: 'port 70000', backend: '100.64.0.7:70000', why: /not between 1 and 65535/ },
    {
      desc: 'a name outside the zone',
      backend: 'web.example.net:80',
      why: /neither an overlay address nor a name in the zone svc\.mcp\.test/,
    },
    {
      desc: 'no label boundary',
      backend: 'evilsvc.mcp.test:80',
      why: /neither .* nor a name in the zone/,
    },
    { desc: 'the zone itself', backend: 'svc.mcp.test:80', why: /a name in the zone/ },
    {
      desc: 'a name that does not resolve',
      backend: 'gone.svc.mcp.test:80',
      why: /'gone\.svc\.mcp\.test' does not resolve/,
    },
    {
      desc: 'a name with no addresses',
      backend: 'empty.svc.mcp.test:80',
      why: /does not resolve: no addresses/,
    },
    {
      desc: 'a name resolving outside too',
      backend: 'leaky.svc.mcp.test:80',
      why: /resolves to 192\.168\.1\.7, outside the overlay/,
    },
    {
      desc: 'a name resolving to IPv6 too',
      backend: 'both.svc.mcp.test:80',
      why: /resolves to fd7a:115c:a1e0::7, outside/,
    },
  ])('checkBackend refuses $desc', async ({ backend, why }) => {
    await expect(checkBackend(backend, rules())).rejects.toThrow(why);
  });

  it('checkBackend refuses a zone name the system resolver does not know', async () => {
    await expect(checkBackend('nothere.svc.mcp.test:80', rules(systemResolve))).rejects.toThrow(
      /'nothere\.svc\.mcp\.test' does not resolve: .*ENOTFOUND/,
    );
  });

  it('systemResolve answers every address of a name', async () => {
    expect(await systemResolve('localhost')).toContain('127.0.0.1');
  });
});
