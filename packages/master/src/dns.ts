// The names the master keeps in MCNS: `<service>.svc.mcp.<zone>` (A, to the node that runs the
// service) and `<node>.mcp.<zone>` (A, to a node's own address). A failure is a failed `dns`
// step or a warning, never a lost deploy or registration.
import { StepStatus, type DnsRecord, type Step } from '@mcp/proto';
import type { Logger } from 'pino';

import type { McnsClient, McnsRecord } from './mcns.js';
import type { NodeRegistry } from './registry.js';

/** TTL of the records the master writes, in seconds. */
export const DNS_TTL = 60;

function step(node: string, detail: string, error = ''): Step {
  const status = error ? StepStatus.STEP_STATUS_FAILED : StepStatus.STEP_STATUS_OK;
  return { name: 'dns', status, detail, error, node };
}

/** What an upsert did. */
type Change = 'added' | 'updated' | 'unchanged';

/**
 * How often a node's record is written again although nothing changed, in milliseconds: MCNS
 * may have lost it (restored from an old backup, records deleted by hand), and nothing else
 * would tell the master.
 */
export const NODE_RECORD_REFRESH_MS = 300_000;

export class DnsRecords {
  /** Node name to the address last written for it (or being written), and when. */
  private readonly nodes = new Map<string, { address: string; at: number }>();

  constructor(
    private readonly client: McnsClient,
    /** The fleet's zone, e.g. `metacircular.net`. */
    readonly zone: string,
    private readonly registry: NodeRegistry,
    private readonly log: Logger,
    /** The master's clock, Unix ms. Default `Date.now`. */
    private readonly now: () => number = Date.now,
    /** See NODE_RECORD_REFRESH_MS. */
    private readonly refreshMs = NODE_RECORD_REFRESH_MS,
  ) {}

  serviceName(service: string): string {
    return `${service}.svc.mcp.${this.zone}`;
  }

  nodeName(node: string): string {
    return `${node}.mcp.${this.zone}`;
  }

  /** Points the service's name at the address of `node`; one `dns` step. */
  async register(service: string, node: string): Promise<Step> {
    const name = this.serviceName(service);
    const address = this.registry.get(node)?.info.address ?? '';
    if (address === '') return step(node, '', `node '${node}' reported no address for ${name}`);
    try {
      const change = await this.point(name, address);
      if (change !== 'unchanged') this.log.info({ service, node, name, address }, 'dns record set');
      return step(node, `${name} A ${address} (${change})`);
    } catch (err) {
      this.log.warn({ service, node, err }, 'dns record not set');
      return step(node, '', (err as Error).message);
    }
  }

  /** Removes the service's name; one `dns` step, or none when `quiet` and nothing was there. */
  async unregister(service: string, quiet = false): Promise<Step | undefined> {
    const name = this.serviceName(service);
    try {
      const held = await this.client.list(this.zone, { name });
      for (const r of held) await this.client.remove(this.zone, r);
      if (held.length === 0) return quiet ? undefined : step('', `no record for ${name}`);
      this.log.info({ service, name }, 'dns record removed');
      return step('', `removed ${name}`);
    } catch (err) {
      this.log.warn({ service, err }, 'dns record not removed');
      return step('', '', (err as Error).message);
    }
  }

  /**
   * A node registered: writes its name in the background (Register never waits for MCNS). A
   * failure is logged and forgotten, so the node's next heartbeat tries again.
   */
  nodeRegistered(node: string): void {
    this.nodes.delete(node);
    this.nodeSeen(node);
  }

  /**
   * A heartbeat: writes the node's name when it was not written with this address, or not for
   * `refreshMs` (an upsert: a record still right costs one read).
   */
  nodeSeen(node: string): void {
    const address = this.registry.get(node)?.info.address ?? '';
    const written = this.nodes.get(node);
    const now = this.now();
    const fresh = written?.address === address && now - written.at < this.refreshMs;
    if (address === '' || fresh) return;

    const entry = { address, at: now };
    this.nodes.set(node, entry);
    const name = this.nodeName(node);
    this.point(name, address).then(
      (change) => {
        if (change !== 'unchanged') this.log.info({ node, name, address }, 'node dns record set');
      },
      (err: unknown) => {
        if (this.nodes.get(node) === entry) this.nodes.delete(node);
        this.log.warn({ node, err }, 'node dns record not set; retried at the next heartbeat');
      },
    );
  }

  /** Every record of the zone under `mcp.<zone>` that names a service or a node. */
  async list(): Promise<DnsRecord[]> {
    const held = await this.client.list(this.zone);
    return held.flatMap((r) => {
      const owner = this.owner(r.name);
      if (owner === undefined) return [];
      return [{ zone: this.zone, name: r.name, type: r.type, value: r.value, ttl: r.ttl, owner }];
    });
  }

  /** `service <name>`, `node <name>`, or undefined for a name the master does not manage. */
  private owner(name: string): string | undefined {
    const service = `.svc.mcp.${this.zone}`;
    const node = `.mcp.${this.zone}`;
    const label = (suffix: string) => {
      const first = name.slice(0, -suffix.length);
      return name.endsWith(suffix) && first !== '' && !first.includes('.') ? first : undefined;
    };
    const s = label(service);
    if (s !== undefined) return `service ${s}`;
    const n = label(node);
    return n === undefined ? undefined : `node ${n}`;
  }

  /** One A record `name` -> `address`: kept, changed in place, or added; extra ones removed. */
  private async point(name: string, address: string): Promise<Change> {
    const held = await this.client.list(this.zone, { name, type: 'A' });
    const input = { name, type: 'A', value: address, ttl: DNS_TTL };
    const keep: McnsRecord | undefined = held.find((r) => r.value === address) ?? held[0];
    for (const extra of held.filter((r) => r !== keep)) await this.client.remove(this.zone, extra);

    if (keep === undefined) {
      await this.client.create(this.zone, input);
      return 'added';
    }
    if (keep.value === address && keep.ttl === DNS_TTL)
      return held.length > 1 ? 'updated' : 'unchanged';
    await this.client.replace(this.zone, keep.id, input);
    return 'updated';
  }
}
