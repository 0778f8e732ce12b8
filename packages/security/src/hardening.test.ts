import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { mciasUrlProblem } from './config.js';
import { GRPC_LOG_LIMIT, scrubGrpcLog } from './grpc-log.js';
import { checkSecretFileMode } from './secret-file.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-hardening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scrubGrpcLog', () => {
  it('removes a token from a metadata value grpc-js could not parse', () => {
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXBhcnQtb2YtaXQ';
    const line = scrubGrpcLog(`Failed to add metadata entry authorization: Bearer\t${token}. x`);
    expect(line).not.toContain(token);
    expect(line).not.toContain('c2lnbmF0dXJl');
    expect(line).toMatch(/authorization: \[redacted\]/);
    expect(scrubGrpcLog(`bearer ${token}`)).toBe('bearer [redacted]');
  });

  it('cuts a long line, saying how long it was', () => {
    const line = scrubGrpcLog(`x-junk: ${'a'.repeat(8_000)}`);
    expect(line.length).toBeLessThan(GRPC_LOG_LIMIT + 40);
    expect(line).toMatch(/\(8008 characters\)$/);
  });
});

describe('mciasUrlProblem', () => {
  it.each([
    ['https://mcias.example.net:8443', undefined],
    ['https://127.0.0.1:9443/', undefined],
    ['http://mcias.example.net', /https:\/\//],
    ['https://user:pw@mcias.example.net', /user name or password/],
    ['https://mcias.example.net/mcias/', /host\[:port\] only/],
    ['https://?x', /https:\/\//],
    ['https:// evil', /https:\/\//],
  ])('%s', (url, why) => {
    const problem = mciasUrlProblem(url);
    if (why === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(why);
  });
});

describe('checkSecretFileMode', () => {
  it('refuses a 0600 file in a directory others may write, and takes one under a sticky dir', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    writeFileSync(join(open, 'token'), 't', { mode: 0o600 });
    expect(() => checkSecretFileMode(join(open, 'token'), 'token file')).toThrow(
      /its directory '.*open' is writable by others \(mode 0777\)/,
    );

    chmodSync(open, 0o1777);
    expect(() => checkSecretFileMode(join(open, 'token'), 'token file')).not.toThrow();
  });

  it('refuses a link to a 0600 file in a directory others may write, naming that directory', () => {
    const open = join(dir, 'open-target');
    const safe = join(dir, 'safe');
    mkdirSync(open);
    mkdirSync(safe, { mode: 0o700 });
    chmodSync(open, 0o777);
    writeFileSync(join(open, 'key'), 'k', { mode: 0o600 });
    symlinkSync(join(open, 'key'), join(safe, 'key'));

    expect(() => checkSecretFileMode(join(safe, 'key'), 'key file')).toThrow(
      /its directory '.*open-target' is writable by others \(mode 0777\)/,
    );
  });
});
