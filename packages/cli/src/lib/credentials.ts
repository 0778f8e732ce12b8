// What every connection of the CLI carries: TLS 1.3 verified against the platform CA
// (`ca_file`), and the MCIAS token `mcp login` stored (`token_file`) as a bearer token.
import {
  channelCredentials,
  SecretFileError,
  SecretFileModeError,
  TokenFile,
  type TokenSource,
} from '@mcp/security';
import type { ChannelCredentials } from 'nice-grpc';

import { TokenFileError, CaFileError } from './auth-errors.js';
import { requireCaFile, type McpConfig } from './config.js';

/** How the CLI dials the master and agents. */
export interface Credentials {
  /** The platform CA file the servers' certificates are checked against. */
  readonly caFile: string;
  /** TLS 1.3, servers verified against `caFile`. */
  readonly channel: ChannelCredentials;
  /** The token file, for messages. */
  readonly tokenFile: string;
  /** The token, read from `tokenFile` at each call (a new login is picked up at once). */
  readonly token: TokenSource;
}

/**
 * Reads the CA and the token once, so that a missing CA, a missing token (not logged in) or a
 * token file others may read fails before anything is dialled.
 */
export function loadCredentials(config: McpConfig): Credentials {
  const caFile = requireCaFile(config);
  let channel: ChannelCredentials;
  try {
    channel = channelCredentials(caFile);
  } catch (err) {
    if (!(err instanceof SecretFileError)) throw err;
    throw new CaFileError(caFile, 'ca_file', config.file, err.message, { cause: err });
  }

  const file = new TokenFile(config.tokenFile);
  const token = (): string => {
    try {
      return file.read();
    } catch (err) {
      throw tokenError(config.tokenFile, err);
    }
  };
  token();
  return { caFile, channel, tokenFile: config.tokenFile, token };
}

function tokenError(path: string, err: unknown): unknown {
  if (err instanceof SecretFileModeError) {
    return new TokenFileError(path, err.message, false, { cause: err });
  }
  if (err instanceof SecretFileError)
    return new TokenFileError(path, err.message, true, { cause: err });
  return err;
}
