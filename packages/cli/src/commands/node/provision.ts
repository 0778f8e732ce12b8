import { Args, Flags } from '@oclif/core';

import {
  artifactFor,
  formatJson,
  jsonFlag,
  McpCommand,
  openSession,
  selectNodes,
  table,
} from '../../index.js';
import { agentSecurity } from '../../topics/node/provision-credentials.js';
import { provisionNode } from '../../topics/node/provision.js';

export default class NodeProvision extends McpCommand {
  static override summary = 'Prepare a Debian (or other systemd Linux) node over SSH.';
  static override description =
    "Creates the mcp user, /srv/mcp, /var/lib/mcp and /etc/mcp, copies the agent's CA, " +
    'certificate, key and MCIAS token from [nodes.credentials] to /etc/mcp (key and token 0600, ' +
    'owner mcp), writes /etc/mcp/agent.toml with [tls] and [mcias] naming them and ' +
    'the unit mcp-agent.service (ExecStart /srv/mcp/mcp-agent), installs the artifact of the ' +
    "node's architecture and starts the agent. Every step looks first: a second run changes " +
    'nothing. NixOS nodes use the module in nix/ instead.';
  static override args = { name: Args.string({ required: true, description: 'Node name.' }) };
  static override examples = ['<%= config.bin %> node provision hyperborea --artifacts ./out'];
  static override flags = {
    artifacts: Flags.string({
      description: 'Directory of the artifacts and their .json manifests. Default: $MCP_ARTIFACTS.',
      env: 'MCP_ARTIFACTS',
      required: true,
    }),
    timeout: Flags.integer({
      description: 'Seconds to wait for the agent to report its version after a start.',
      default: 60,
      min: 1,
    }),
    json: jsonFlag,
  };

  async run(): Promise<void> {
    const { flags, args } = await this.parse(NodeProvision);
    const config = await this.loadConfig(flags.config);
    const [node] = selectNodes(config, [args.name]).nodes;
    if (!node) return;
    // The agent's credentials are read and checked before anything is sent.
    const security = agentSecurity(node, config);
    const artifact = artifactFor(flags.artifacts, node.name, node.ssh);
    // The version checks dial the new agent: no CA or no token stops before SSH.
    const credentials = this.credentials(config);

    const session = await openSession(node.name, node.ssh);
    let steps;
    try {
      steps = await provisionNode(session, node, artifact, {
        timeoutMs: flags.timeout * 1000,
        credentials,
        security,
      });
    } finally {
      session.close();
    }

    const changed = steps.some((s) => s.changed);
    if (flags.json) {
      this.log(formatJson({ node: node.name, changed, steps }));
      return;
    }
    const rows = steps.map((s) => [s.step, s.changed ? 'changed' : 'unchanged', s.detail]);
    this.log(table(['STEP', 'RESULT', 'DETAIL'], rows));
    this.log(changed ? `\nnode ${node.name} provisioned` : `\nnode ${node.name}: no changes`);
  }
}
