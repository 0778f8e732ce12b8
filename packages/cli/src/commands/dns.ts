import { ListDnsRecordsResponse, type DnsRecord } from '@mcp/proto';
import { Flags } from '@oclif/core';

import { McpCommand, jsonFlag } from '../lib/command.js';
import { formatJson, table } from '../lib/print.js';

export default class Dns extends McpCommand {
  static override summary = 'List the DNS records MCP manages in MCNS, per zone.';
  static override description =
    'One table per zone: NAME, TYPE, VALUE, TTL and OWNER (`service <name>` for ' +
    '<service>.svc.mcp.<zone>, `node <name>` for <node>.mcp.<zone>). When the master cannot ' +
    'read MCNS, why goes to stderr (`error` in --json) and the exit code is 1.';
  static override examples = [
    '<%= config.bin %> dns',
    '<%= config.bin %> dns --zone example.net --json',
  ];
  static override flags = {
    zone: Flags.string({ char: 'z', description: 'Only this zone.' }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dns);
    const config = await this.loadConfig(flags.config);

    const res = await this.master(config).listDnsRecords({ zone: flags.zone ?? '' });

    if (flags.json) this.log(formatJson(ListDnsRecordsResponse.toJSON(res)));
    // MCNS not read: no table, which would read as "there are none".
    else if (!res.error) this.log(formatDnsRecords(res.records));
    if (res.error) {
      this.logToStderr(`error: ${res.error}`);
      this.exit(1);
    }
  }
}

/** `zone <zone>` and its table, for each zone in the order the master sent them. */
export function formatDnsRecords(records: readonly DnsRecord[]): string {
  if (records.length === 0) return 'No DNS records.';
  const zones = new Map<string, DnsRecord[]>();
  for (const r of records) zones.set(r.zone, [...(zones.get(r.zone) ?? []), r]);

  const head = ['NAME', 'TYPE', 'VALUE', 'TTL', 'OWNER'];
  return [...zones]
    .map(([zone, rows]) => {
      const cells = rows.map((r) => [r.name, r.type, r.value, String(r.ttl), r.owner || '-']);
      return `zone ${zone}\n${table(head, cells)}`;
    })
    .join('\n\n');
}
