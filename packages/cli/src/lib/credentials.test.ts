import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CaFileError, TokenFileError } from './auth-errors.js';
import { parseConfig } from './config.js';
import { loadCredentials } from './credentials.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-credentials-'));
  file = join(dir, 'mcp.toml');
  // Not a certificate: createSecureContext takes it and trusts nothing, which is all these need.
  await writeFile(join(dir, 'ca.crt'), 'not a certificate\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (text: string) => parseConfig(text, file, 'flag');

describe('loadCredentials', () => {
  it('loadCredentials reads the token at once and again when the file changes', async () => {
    await writeFile(join(dir, 'token'), 'first\n', { mode: 0o600 });
    const credentials = loadCredentials(config('ca_file = "ca.crt"'));

    expect(credentials.token()).toBe('first');
    await writeFile(join(dir, 'token'), 'second-longer\n', { mode: 0o600 });
    expect(credentials.token()).toBe('second-longer');
    expect(credentials.caFile).toBe(join(dir, 'ca.crt'));
  });

  it('loadCredentials says to log in when there is no token file', () => {
    const load = () => loadCredentials(config('ca_file = "ca.crt"\ntoken_file = "none"'));

    expect(load).toThrow(TokenFileError);
    expect(load).toThrow(
      `failed to read token file '${join(dir, 'none')}': no such file; log in with \`mcp login\``,
    );
  });

  it('loadCredentials refuses a token file others may read, with the chmod to run', async () => {
    const token = join(dir, 'open.token');
    await writeFile(token, 'secret-token\n');
    await chmod(token, 0o640);
    let message = '';
    try {
      loadCredentials(config('ca_file = "ca.crt"\ntoken_file = "open.token"'));
    } catch (err) {
      message = (err as Error).message;
    }

    expect(message).toBe(
      `failed to read token file '${token}': its mode is 0640; it must be 0600 or stricter ` +
        `(chmod 600 ${token})`,
    );
    expect(message).not.toContain('secret-token');
  });

  it('loadCredentials names ca_file and the config when the CA cannot be read', () => {
    const load = () => loadCredentials(config('ca_file = "missing.crt"'));

    expect(load).toThrow(CaFileError);
    expect(load).toThrow(
      `failed to read CA certificate '${join(dir, 'missing.crt')}': no such file ` +
        `(ca_file in ${file})`,
    );
  });
});
