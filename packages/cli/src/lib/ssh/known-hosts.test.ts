import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { checkHostKey, fingerprint, hostPattern, knownKeys } from './known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An ssh-ed25519 public key blob: string "ssh-ed25519", string key (RFC 8709). */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  const key = raw.subarray(raw.length - 32);
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(key)]);
}

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdef0123');
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

describe('known_hosts', () => {
  const key = ed25519Blob();
  const other = ed25519Blob();
  const line = (hosts: string, blob = key): string =>
    `${hosts} ssh-ed25519 ${blob.toString('base64')}`;

  it.each([
    {
      description: 'a plain host on port 22',
      hosts: 'rift,100.64.0.2',
      host: '100.64.0.2',
      port: 22,
    },
    {
      description: 'a [host]:port pattern',
      hosts: '[127.0.7.2]:2222',
      host: '127.0.7.2',
      port: 2222,
    },
    {
      description: 'a hashed host',
      hosts: hashed('[10.0.0.1]:2200'),
      host: '10.0.0.1',
      port: 2200,
    },
  ])('knownKeys finds $description', ({ hosts, host, port }) => {
    const file = join(dir, `kh-${port}`);
    writeFileSync(
      file,
      `# comment\n@revoked * ssh-ed25519 AAAA\n${line('other', other)}\n${line(hosts)}\n`,
    );

    expect(knownKeys(file, host, port)).toEqual([{ type: 'ssh-ed25519', key }]);
  });

  it('knownKeys reads a missing file as holding no keys', () => {
    expect(knownKeys(join(dir, 'absent'), 'rift', 22)).toEqual([]);
  });

  it('checkHostKey tells a known, an unknown and a changed key apart', () => {
    expect(checkHostKey(key, [{ type: 'ssh-ed25519', key }])).toEqual({ result: 'known' });
    expect(checkHostKey(key, [])).toEqual({ result: 'unknown', fingerprint: fingerprint(key) });
    expect(checkHostKey(key, [{ type: 'ssh-ed25519', key: other }])).toEqual({
      result: 'changed',
      fingerprint: fingerprint(key),
      expected: [fingerprint(other)],
    });
  });

  it('fingerprint reads as OpenSSH prints it and hostPattern brackets other ports', () => {
    const digest = createHash('sha256').update(key).digest('base64').replace(/=+$/, '');
    expect(fingerprint(key)).toBe(`SHA256:${digest}`);
    expect(hostPattern('rift', 22)).toBe('rift');
    expect(hostPattern('rift', 2222)).toBe('[rift]:2222');
  });
});
