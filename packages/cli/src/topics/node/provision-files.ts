// What `mcp node provision` writes on a node: the agent's TOML and the systemd unit.
import { stringify } from 'smol-toml';

import { onNode, type NodeEntry, type NodeSsh } from '../../index.js';

/** The agent's config on the node. */
export const AGENT_CONFIG = '/etc/mcp/agent.toml';
/** The systemd unit. */
export const UNIT_FILE = '/etc/systemd/system/mcp-agent.service';

/**
 * The agent's TOML: name, address and listen from the `[[nodes]]` entry, `state_dir`
 * `/var/lib/mcp`, for the compute agent `srv_root` `/srv` and `runtime_socket`
 * `/run/podman/podman.sock`, and `security` (the `tls` and `mcias` tables naming the files the
 * credentials step copied); `[nodes.agent]` adds to and overrides these.
 */
export function agentToml(
  node: NodeEntry & { ssh: NodeSsh },
  security: Record<string, unknown> = {},
): string {
  const host = node.address.slice(0, node.address.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1');
  const base: Record<string, unknown> = {
    name: node.name,
    address: host,
    listen: node.address,
    state_dir: onNode(node.ssh, '/var/lib/mcp'),
  };
  if (node.ssh.program === 'agent') {
    base.srv_root = onNode(node.ssh, '/srv');
    base.runtime_socket = '/run/podman/podman.sock';
  }
  const header = '# Written by mcp node provision; changes here are replaced by the next run.';
  return `${header}\n${stringify({ ...base, ...security, ...node.ssh.agent })}\n`;
}

/** The unit: runs `/srv/mcp/mcp-agent` as `mcp`, restarted on failure. */
export function unitFile(ssh: NodeSsh): string {
  return [
    '# Written by mcp node provision.',
    '[Unit]',
    'Description=mcp agent',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'User=mcp',
    'Group=mcp',
    `ExecStart=${onNode(ssh, '/srv/mcp/mcp-agent')} --config ${onNode(ssh, AGENT_CONFIG)}`,
    'Restart=on-failure',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
