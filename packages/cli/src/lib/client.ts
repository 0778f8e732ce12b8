// The one way the CLI reaches the master: transport failures become MasterUnreachableError,
// status errors MasterCallError.
import { MasterServiceDefinition } from '@mcp/proto';
import type { Client } from 'nice-grpc';

import type { Credentials } from './credentials.js';
import { MasterCallError, MasterUnreachableError, type DirectHint } from './errors.js';
import { connect, DEFAULT_CONNECT_TIMEOUT_MS, type Connection } from './transport.js';

/** A MasterService client whose errors are CliErrors. */
export type MasterClient = Client<typeof MasterServiceDefinition>;

/** A master client and the channel under it; `close()` when the command is done. */
export type MasterConnection = Connection<MasterClient>;

/** Options of `connectMaster` and `connectAgent`. */
export interface ConnectOptions {
  /** How long a call waits for the connection before giving up. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Config file that named the server, quoted in the unreachable message. Default: none. */
  configFile?: string;
  /**
   * What the unreachable-master message suggests for working without the master. Default: the
   * commands that take `--direct`, and no node names.
   */
  direct?: DirectHint;
}

/** Opens a TLS channel to the master at `host:port`; calls carry the token of `credentials`. */
export function connectMaster(
  address: string,
  credentials: Credentials,
  options: ConnectOptions = {},
): MasterConnection {
  return connect(
    MasterServiceDefinition,
    address,
    options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    {
      unreachable: (reason, cause) =>
        new MasterUnreachableError(address, reason, {
          cause,
          configFile: options.configFile,
          direct: options.direct,
        }),
      refused: (method, status, details, cause) =>
        new MasterCallError(address, method, status, details, { cause }),
    },
    credentials,
  );
}
