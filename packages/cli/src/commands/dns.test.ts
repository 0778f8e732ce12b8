import { ListDnsRecordsResponse, type DnsRecord } from '@mcp/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

function record(zone: string, name: string, value: string, owner: string): DnsRecord {
  return { zone, name, type: 'A', value, ttl: 60, owner };
}

const RECORDS = [
  record('mcp.test', 'rift.mcp.mcp.test', '127.0.0.2', 'node rift'),
  record('mcp.test', 'web.svc.mcp.mcp.test', '127.0.0.2', 'service web'),
  record('other.test', 'api.svc.mcp.other.test', '127.0.0.3', 'service api'),
];

beforeEach(() => {
  master.state.dnsRecords = RECORDS;
  master.state.dnsError = '';
  master.state.dnsZones = [];
});

describe('mcp dns', () => {
  it('mcp dns prints a table of NAME, TYPE, VALUE, TTL and OWNER per zone', async () => {
    const r = await runCli(home, ['dns']);

    expect(r.code).toBe(0);
    const blocks = r.stdout.toString().trim().split('\n\n');
    expect(blocks).toHaveLength(2);
    const lines = (blocks[0] ?? '').split('\n');
    expect(lines[0]).toBe('zone mcp.test');
    expect(lines[1]?.trim().split(/ {2,}/)).toEqual(['NAME', 'TYPE', 'VALUE', 'TTL', 'OWNER']);
    expect(lines[2]?.trim().split(/ {2,}/)).toEqual([
      'rift.mcp.mcp.test',
      'A',
      '127.0.0.2',
      '60',
      'node rift',
    ]);
    expect(lines[3]).toMatch(/^web\.svc\.mcp\.mcp\.test +A +127\.0\.0\.2 +60 +service web/);
    expect(blocks[1]).toMatch(/^zone other\.test\n/);
    expect(blocks[1]).toContain('api.svc.mcp.other.test');
  });

  it('mcp dns --zone asks for that zone only', async () => {
    const r = await runCli(home, ['dns', '--zone', 'other.test']);

    expect(r.code).toBe(0);
    expect(master.state.dnsZones).toEqual(['other.test']);
    expect(r.stdout.toString()).not.toContain('mcp.test');
    expect(r.stdout.toString()).toContain('api.svc.mcp.other.test');
  });

  it('mcp dns --json carries the same records as the tables', async () => {
    const r = await runCli(home, ['dns', '--json']);

    expect(r.code).toBe(0);
    const parsed = ListDnsRecordsResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(parsed.records).toEqual(RECORDS);
  });

  it('mcp dns says when there are none, and exits 1 with the reason when MCNS was not read', async () => {
    master.state.dnsRecords = [];
    const empty = await runCli(home, ['dns']);
    master.state.dnsError = "failed to list record '*' in zone 'mcp.test': connection refused";
    const failed = await runCli(home, ['dns']);

    expect(empty.code).toBe(0);
    expect(empty.stdout.toString().trim()).toBe('No DNS records.');
    expect(failed.code).toBe(1);
    expect(failed.stdout.toString()).toBe('');
    expect(failed.stderr.toString()).toContain(
      "error: failed to list record '*' in zone 'mcp.test': connection refused",
    );
  });
});
