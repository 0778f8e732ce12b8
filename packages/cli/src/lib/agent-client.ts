// The way `--direct` reaches one node's agent, beside the master client and with the same
// handling: transport failures become AgentUnreachableError, status errors AgentCallError.
import { AgentServiceDefinition } from '@mcp/proto';
import { Status, type Client } from 'nice-grpc';

import type { ConnectOptions } from './client.js';
import type { NodeEntry } from './config.js';
import type { Credentials } from './credentials.js';
import { AgentCallError, AgentUnreachableError } from './errors.js';
import { AgentVersionSkewError } from './node-errors.js';
import { connect, DEFAULT_CONNECT_TIMEOUT_MS, type Connection } from './transport.js';

/** An AgentService client whose errors are CliErrors. */
export type AgentClient = Client<typeof AgentServiceDefinition>;

/** An agent client and the channel under it; `close()` when the command is done. */
export type AgentConnection = Connection<AgentClient>;

/** Opens a TLS channel to a node's agent at its configured address, with the operator's token. */
export function connectAgent(
  node: NodeEntry,
  credentials: Credentials,
  options: ConnectOptions = {},
): AgentConnection {
  const { name, address } = node;
  const connection: AgentConnection = connect(
    AgentServiceDefinition,
    address,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    {
      unreachable: (reason, cause) =>
        new AgentUnreachableError(name, address, reason, { cause, configFile: options.configFile }),
      refused: async (method, status, details, cause) => {
        // An older agent: ask it its version, so the message can say which and how to upgrade.
        if (status === Status.UNIMPLEMENTED && method !== 'HealthCheck') {
          const version = await connection.client.healthCheck({}).then(
            (h) => h.version,
            () => '',
          );
          const rpc = `${AgentServiceDefinition.fullName}/${method}`;
          return new AgentVersionSkewError(name, version, rpc, { cause });
        }
        return new AgentCallError(name, address, method, status, details, { cause });
      },
    },
    credentials,
  );
  return connection;
}
