import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity } from 'node:tls';

import { afterAll, expect, test } from 'vitest';

import { certificateStem, createTestCa } from './ca.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-testkit-ca-'));
afterAll(() => rm(base, { recursive: true, force: true }));

test('createTestCa issues a wildcard leaf that chains to the CA and matches only its names', async () => {
  const ca = await createTestCa(join(base, 'ca'));

  const leaf = await ca.issue({ names: ['*.svc.mcp.test', '127.0.0.9'], dir: join(base, 'certs') });

  const caCert = new X509Certificate(readFileSync(ca.certPath));
  const cert = new X509Certificate(readFileSync(leaf.certPath));
  expect(leaf.certPath).toBe(join(base, 'certs', '_.svc.mcp.test.crt'));
  expect(leaf.keyPath).toBe(join(base, 'certs', '_.svc.mcp.test.key'));
  expect(cert.verify(caCert.publicKey)).toBe(true);
  const identity = (name: string) => checkServerIdentity(name, cert.toLegacyObject());
  expect(identity('web.svc.mcp.test')).toBeUndefined();
  expect(identity('127.0.0.9')).toBeUndefined();
  expect(identity('svc.mcp.test')).toBeInstanceOf(Error);
  expect(identity('a.b.svc.mcp.test')).toBeInstanceOf(Error);
  expect(caCert.ca).toBe(true);
  expect(cert.ca).toBe(false);
  const days = (Date.parse(cert.validTo) - Date.now()) / 86_400_000;
  expect(Math.round(days)).toBe(90);
});

test('createTestCa writes keys only the owner can read, under the stem asked for', async () => {
  const ca = await createTestCa(join(base, 'ca-modes'));

  const leaf = await ca.issue({ names: ['web.example.net'], dir: join(base, 'm'), stem: 'own' });

  expect(leaf.keyPath).toBe(join(base, 'm', 'own.key'));
  expect(statSync(leaf.keyPath).mode & 0o777).toBe(0o600);
  expect(statSync(ca.keyPath).mode & 0o777).toBe(0o600);
  expect(readFileSync(leaf.keyPath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
});

test('certificateStem names the files findCertificate looks for', () => {
  expect(certificateStem('WEB.example.net.')).toBe('web.example.net');
  expect(certificateStem('*.svc.mcp.test')).toBe('_.svc.mcp.test');
});
