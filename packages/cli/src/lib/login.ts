// `mcp login` without the terminal: ask MCIAS for a token and store it at `token_file`.
import {
  LoginRefusedError,
  McIasClient,
  McIasUnavailableError,
  SecretFileError,
} from '@mcp/security';

import { CaFileError, LoginFailedError } from './auth-errors.js';
import { requireMcias, type McpConfig } from './config.js';
import { writeTokenFile } from './token-store.js';

/** What a login stored. */
export interface LoginOutcome {
  readonly username: string;
  /** When MCIAS says the token stops being good, Unix milliseconds. */
  readonly expiresAtMs: number;
  /** Where it was written. */
  readonly tokenFile: string;
  /** The MCIAS asked. */
  readonly mciasUrl: string;
}

/**
 * Logs `username` in at the config's MCIAS and writes the token to its `token_file`. When MCIAS
 * refuses or cannot be reached, nothing is written and an existing token file stays as it was.
 */
export async function logIn(
  config: McpConfig,
  username: string,
  password: string,
): Promise<LoginOutcome> {
  const mcias = requireMcias(config);
  let client: McIasClient;
  try {
    client = new McIasClient(mcias);
  } catch (err) {
    if (err instanceof SecretFileError) {
      const field = config.mcias?.caFile === config.caFile ? 'ca_file' : 'mcias.ca_file';
      throw new CaFileError(mcias.caFile, field, config.file, err.message, { cause: err });
    }
    throw err;
  }

  let result: { token: string; expiresAtMs: number };
  try {
    result = await client.login(username, password);
  } catch (err) {
    // LoginRefusedError's message already reads "failed to log in as '<user>': <why>".
    if (err instanceof LoginRefusedError) {
      const prefix = `failed to log in as '${username}': `;
      const reason = err.message.startsWith(prefix)
        ? err.message.slice(prefix.length)
        : err.message;
      throw new LoginFailedError(username, reason, { cause: err });
    }
    if (err instanceof McIasUnavailableError) {
      throw new LoginFailedError(
        username,
        `${err.message}; check that MCIAS runs there and [mcias] url in ${config.file}`,
        { cause: err },
      );
    }
    throw err;
  }

  await writeTokenFile(config.tokenFile, result.token);
  return {
    username,
    expiresAtMs: result.expiresAtMs,
    tokenFile: config.tokenFile,
    mciasUrl: mcias.url,
  };
}
