// One program's security, loaded once from its config: what its server listens with, what its
// clients dial with, and how it judges callers.
import { ServerError, Status, createChannel, createClientFactory } from 'nice-grpc';
import type { Channel, ChannelCredentials, Client, CompatServiceDefinition } from 'nice-grpc';
import type { ServerCredentials } from '@grpc/grpc-js';

import { bearer, type TokenSource } from './client.js';
import type { SecurityConfig } from './config.js';
import { McIasClient } from './mcias.js';
import { channelCredentials, serverCredentials } from './tls.js';
import { TokenFile } from './token-file.js';
import { TokenValidator } from './validator.js';

export interface Security {
  /** For `server.listen(address, security.server)`: TLS 1.3 with this program's pair. */
  readonly server: ServerCredentials;
  /** For channels this program opens: TLS 1.3, peers verified against the platform CA. */
  readonly channel: ChannelCredentials;
  /** Judges the bearer tokens of incoming calls (through MCIAS, cached 30 s). */
  readonly validator: TokenValidator;
  /** This program's own token, read from `[mcias] token_file` at each call. */
  readonly token: TokenSource;
}

/** Reads keys and certificates once; the token file is read again whenever it changes. */
export function loadSecurity(config: SecurityConfig): Security {
  const tokenFile = new TokenFile(config.mcias.tokenFile, 'service token file');
  return {
    server: serverCredentials(config.tls),
    channel: channelCredentials(config.tls.caFile),
    validator: new TokenValidator(new McIasClient(config.mcias)),
    token: () => tokenFile.read(),
  };
}

/** A client of `definition` at `address` (host:port), over TLS, each call carrying `token`. */
export function secureClient<D extends CompatServiceDefinition>(
  definition: D,
  address: string,
  credentials: ChannelCredentials,
  token: TokenSource,
): { client: Client<D>; channel: Channel } {
  const channel = createChannel(address, credentials);
  const client = createClientFactory().use(bearer(token)).create(definition, channel);
  return { client, channel };
}

/** The answer to a caller whose identity may not act for the node it names. */
export function identityMismatch(method: string, username: string, node: string): ServerError {
  return new ServerError(
    Status.PERMISSION_DENIED,
    `account '${username}' may not call ${method} for node '${node}': ` +
      `an agent account may only speak for its own node (agent-${node})`,
  );
}
