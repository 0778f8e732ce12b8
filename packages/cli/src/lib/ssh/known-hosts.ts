// Host key checking against an OpenSSH known_hosts file: plain and hashed (`|1|salt|hash`) host
// patterns, `[host]:port` for ports other than 22. Markers (@cert-authority, @revoked) and
// wildcard patterns are not read: such lines match nothing, so the key counts as unknown.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One key known for a host. */
export interface KnownKey {
  type: string;
  /** The public key blob, as in the file (base64 decoded). */
  key: Buffer;
}

/** The name a host has in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function hostPattern(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` and unpadded base64. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function matches(field: string, name: string): boolean {
  return field.split(',').some((pattern) => {
    if (!pattern.startsWith('|1|')) return pattern === name;
    const [salt = '', hash = ''] = pattern.slice(3).split('|');
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  });
}

/** The keys the file holds for `host:port`; a missing file holds none. */
export function knownKeys(file: string, host: string, port: number): KnownKey[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const name = hostPattern(host, port);
  const keys: KnownKey[] = [];
  for (const line of text.split('\n')) {
    const [hosts, type, base64] = line.trim().split(/\s+/);
    if (!hosts || !type || !base64 || hosts.startsWith('#') || hosts.startsWith('@')) continue;
    if (matches(hosts, name)) keys.push({ type, key: Buffer.from(base64, 'base64') });
  }
  return keys;
}

/** What checking one offered key found. */
export type HostKeyVerdict =
  | { result: 'known' }
  | { result: 'unknown'; fingerprint: string }
  | { result: 'changed'; fingerprint: string; expected: string[] };

/** Compares an offered key blob with the known keys of its host. */
export function checkHostKey(offered: Buffer, known: readonly KnownKey[]): HostKeyVerdict {
  if (known.some((k) => k.key.equals(offered))) return { result: 'known' };
  const print = fingerprint(offered);
  if (known.length === 0) return { result: 'unknown', fingerprint: print };
  return { result: 'changed', fingerprint: print, expected: known.map((k) => fingerprint(k.key)) };
}
