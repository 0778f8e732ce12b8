// What an agent reports about itself is checked before the registry keeps it: a bad report is
// refused with the field named, never stored.
import { isIP } from 'node:net';

import { NodeRole, type NodeInfo } from '@mcp/proto';
import { DNS_LABEL, normalizeArch } from '@mcp/scheduler';
import { clip } from '@mcp/security';

import { InvalidNodeReportError } from './errors.js';

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):(\d{1,5})$/;
const ARCHES = ['amd64', 'arm64'];
const ROLES = [NodeRole.NODE_ROLE_COMPUTE, NodeRole.NODE_ROLE_EDGE, NodeRole.NODE_ROLE_CONTROL];

/** Checks a node name; `field` names it in the error. */
export function requireNodeName(name: string, field: string): string {
  if (!DNS_LABEL.test(name)) {
    throw new InvalidNodeReportError(name, field, `'${name}' is not a DNS label`);
  }
  return name;
}

/**
 * Checks a registration's NodeInfo and returns it with the architecture in Go's names.
 * @throws InvalidNodeReportError naming the first wrong field.
 */
export function validateNodeInfo(info: NodeInfo | undefined): NodeInfo {
  if (!info) throw new InvalidNodeReportError('', 'node', 'required');
  const { name } = info;
  requireNodeName(name, 'node.name');

  // The node's own address: DNS names of the node and its services point there.
  if (info.address === '') throw new InvalidNodeReportError(name, 'node.address', 'required');
  if (isIP(info.address) === 0 && !isDnsName(info.address)) {
    const reason = `'${clip(info.address)}' is not an IP address or a DNS name`;
    throw new InvalidNodeReportError(name, 'node.address', reason);
  }

  const at = HOST_PORT.exec(info.agentAddress);
  const host = (at?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = Number(at?.[2] ?? 0);
  if (!at || port < 1 || port > 65535 || (isIP(host) === 0 && !isDnsName(host))) {
    const reason = `'${clip(info.agentAddress)}' is not host:port (an IP address or a DNS name)`;
    throw new InvalidNodeReportError(name, 'node.agent_address', reason);
  }

  if (info.roles.length === 0) throw new InvalidNodeReportError(name, 'node.roles', 'empty');
  const role = info.roles.find((r) => !ROLES.includes(r));
  if (role !== undefined) {
    throw new InvalidNodeReportError(name, 'node.roles', `unknown role ${role}`);
  }

  const arch = normalizeArch(info.arch);
  if (!ARCHES.includes(arch)) {
    const reason = `'${info.arch}' is not ${ARCHES.join(' or ')}`;
    throw new InvalidNodeReportError(name, 'node.arch', reason);
  }

  const pool = info.pools.findIndex((p) => !DNS_LABEL.test(p));
  if (pool >= 0) {
    const reason = `'${info.pools[pool] ?? ''}' is not a DNS label`;
    throw new InvalidNodeReportError(name, `node.pools[${pool}]`, reason);
  }
  return arch === info.arch ? info : { ...info, arch };
}

/** A lower-case DNS name of at most 253 characters, no trailing dot. */
export function isDnsName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label));
}
