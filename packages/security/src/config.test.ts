import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { readSecurityConfig } from './config.js';
import { TokenFile } from './token-file.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-secconf-'));
  writeFileSync(join(dir, 'ca.crt'), 'CA');
  writeFileSync(join(dir, 'node.crt'), 'CERT');
  writeFileSync(join(dir, 'node.key'), 'KEY', { mode: 0o600 });
  writeFileSync(join(dir, 'token'), 'tok\n', { mode: 0o600 });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function doc(over: { tls?: Record<string, unknown>; mcias?: Record<string, unknown> } = {}) {
  return {
    tls: { ca_file: 'ca.crt', cert_file: 'node.crt', key_file: 'node.key', ...over.tls },
    mcias: { url: 'https://127.0.0.1:9443/', token_file: 'token', ...over.mcias },
  };
}

describe('readSecurityConfig', () => {
  it('resolves paths against the config directory and defaults the MCIAS CA to the platform CA', () => {
    const config = readSecurityConfig(doc(), dir);
    expect(config.tls.keyFile).toBe(join(dir, 'node.key'));
    expect(config.mcias).toEqual({
      url: 'https://127.0.0.1:9443',
      caFile: join(dir, 'ca.crt'),
      tokenFile: join(dir, 'token'),
    });
  });

  it('requires both tables', () => {
    expect(() => readSecurityConfig({ mcias: doc().mcias }, dir)).toThrow(/^tls: required/);
    expect(() => readSecurityConfig({ tls: doc().tls }, dir)).toThrow(/^mcias: required/);
  });

  it('refuses a key file or token file others may read, naming the field and the mode', () => {
    chmodSync(join(dir, 'node.key'), 0o644);
    expect(() => readSecurityConfig(doc(), dir)).toThrow(/^tls\.key_file: .*mode is 0644/);
    chmodSync(join(dir, 'node.key'), 0o600);
    chmodSync(join(dir, 'token'), 0o660);
    expect(() => readSecurityConfig(doc(), dir)).toThrow(/^mcias\.token_file: .*mode is 0660/);
  });

  it('refuses a plain-HTTP MCIAS, a missing file and an unknown key', () => {
    expect(() => readSecurityConfig(doc({ mcias: { url: 'http://x:1' } }), dir)).toThrow(
      /^mcias\.url: 'http:\/\/x:1' must be an https:\/\/ URL/,
    );
    expect(() => readSecurityConfig(doc({ tls: { cert_file: 'gone.crt' } }), dir)).toThrow(
      /^tls\.cert_file: .*gone\.crt': no such file/,
    );
    expect(() => readSecurityConfig(doc({ tls: { insecure: true } }), dir)).toThrow(
      /^tls\.insecure: unknown key/,
    );
  });
});

describe('TokenFile', () => {
  it('reads the token and again after the file changed', () => {
    const file = new TokenFile(join(dir, 'token'));
    expect(file.read()).toBe('tok');
    writeFileSync(join(dir, 'token'), 'rotated-token\n', { mode: 0o600 });
    expect(file.read()).toBe('rotated-token');
  });

  it('refuses an empty file and one others may read, without printing its content', () => {
    writeFileSync(join(dir, 'token'), '\n');
    expect(() => new TokenFile(join(dir, 'token')).read()).toThrow(/holds no token/);
    writeFileSync(join(dir, 'token'), 'secret-value\n');
    chmodSync(join(dir, 'token'), 0o644);
    let message = '';
    try {
      new TokenFile(join(dir, 'token')).read();
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/mode is 0644/);
    expect(message).not.toContain('secret-value');
  });

  it('refuses a token with a character a header cannot carry, naming it but not the token', () => {
    writeFileSync(join(dir, 'token'), 'secret-value\u200b\n', { mode: 0o600 });
    let message = '';
    try {
      new TokenFile(join(dir, 'token')).read();
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/U\+200B at character 13; only printable ASCII/);
    expect(message).not.toContain('secret-value');
  });

  it("refuses a file holding 'Bearer <token>', saying so", () => {
    writeFileSync(join(dir, 'token'), 'Bearer secret-value\n', { mode: 0o600 });

    expect(() => new TokenFile(join(dir, 'token')).read()).toThrow(
      /holds 'Bearer' before the token; it must hold the token alone/,
    );
  });
});
