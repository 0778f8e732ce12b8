// Certificate pairs on disk: written so a reader never sees half a file, and read for expiry.
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { dnsName } from '@mcp/scheduler/routing';

import type { CertificatePair } from './certificates.js';

/** `<dir>/<hostname>.crt|.key`, the hostname lower-cased without a trailing dot. */
export function certificatePaths(dir: string, hostname: string): CertificatePair {
  const stem = normalHostname(hostname);
  return { certPath: join(dir, `${stem}.crt`), keyPath: join(dir, `${stem}.key`) };
}

/** A hostname as files and routes name it: lower-case, no trailing dot. */
export function normalHostname(hostname: string): string {
  return dnsName(hostname);
}

/**
 * The expiry (ms since the epoch) of the first certificate in a PEM file, read with node's
 * `X509Certificate`; undefined when the file is absent or holds no certificate.
 */
export function readNotAfter(certPath: string): number | undefined {
  let pem: string;
  try {
    pem = readFileSync(certPath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const ms = Date.parse(new X509Certificate(pem).validTo);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/**
 * The expiry (ms) of a pair that mc-proxy can serve: the certificate reads, its key parses
 * (`createPrivateKey`) and belongs to it (`checkPrivateKey`); undefined otherwise (either file
 * absent or unreadable, a garbage key, the key of another pair).
 */
export function readUsableNotAfter(pair: CertificatePair): number | undefined {
  try {
    const cert = new X509Certificate(readFileSync(pair.certPath, 'utf8'));
    const key = createPrivateKey(readFileSync(pair.keyPath, 'utf8'));
    if (!cert.checkPrivateKey(key)) return undefined;
    const ms = Date.parse(cert.validTo);
    return Number.isNaN(ms) ? undefined : ms;
  } catch {
    return undefined;
  }
}

/**
 * Writes a pair: each file beside its target and renamed into place, the key (mode 0600)
 * before the certificate, so a reader that notices the new certificate finds its key.
 */
export async function writePair(pair: CertificatePair, certPem: string, keyPem: string) {
  const suffix = `.${randomBytes(4).toString('hex')}.tmp`;
  await mkdir(join(pair.certPath, '..'), { recursive: true });
  try {
    await writeFile(pair.keyPath + suffix, keyPem, { mode: 0o600 });
    await chmod(pair.keyPath + suffix, 0o600);
    await writeFile(pair.certPath + suffix, certPem, { mode: 0o644 });
    await rename(pair.keyPath + suffix, pair.keyPath);
    await rename(pair.certPath + suffix, pair.certPath);
  } finally {
    await rm(pair.keyPath + suffix, { force: true });
    await rm(pair.certPath + suffix, { force: true });
  }
}
