import { X509Certificate, createPrivateKey } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allocateLoopbackAddress, cleanupAll, createTestCa, startPebble } from '@mcp/testkit';
import type { Pebble } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AcmeCertificates, type AcmeOptions } from './acme.js';
import { CertificateOrderError, CertificateRenewalError } from './acme-errors.js';

const base = await mkdtemp(join(tmpdir(), 'mcp-acme-'));
let pebble: Pebble;
beforeAll(async () => {
  pebble = await startPebble({ dir: join(base, 'pebble'), address: allocateLoopbackAddress() });
});
afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

let dirs = 0;
function manager(extra: Partial<AcmeOptions> = {}): AcmeCertificates {
  const certDir = join(base, `certs-${++dirs}`);
  return new AcmeCertificates({
    certDir,
    directoryUrl: pebble.directoryUrl,
    caFile: pebble.caFile,
    eab: pebble.eab,
    accountKeyPath: join(certDir, 'acme-account.key'),
    ...extra,
  });
}

// The leaf and the rest of the chain in a PEM file, and whether it chains to `rootPem`.
function chain(certPath: string, rootPem: string) {
  const pems =
    readFileSync(certPath, 'utf8').match(
      /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g,
    ) ?? [];
  const certs = pems.map((p) => new X509Certificate(p));
  const root = new X509Certificate(rootPem);
  const [leaf] = certs;
  const top = certs[certs.length - 1];
  const linked = certs.every((c, i) => i === 0 || certs[i - 1]!.verify(c.publicKey));
  return { leaf: leaf!, chained: linked && top!.verify(root.publicKey) };
}

describe('AcmeCertificates', () => {
  it('AcmeCertificates.ensure orders a pair from the ACME server with EAB, and keeps it after', async () => {
    const certs = manager();

    const first = await certs.ensure('Web.SVC.mcp.test.');
    const again = await certs.ensure('web.svc.mcp.test');

    const { leaf, chained } = chain(first.certPath, await pebble.rootPem());
    expect(first.certPath).toBe(join(certs.certDir, 'web.svc.mcp.test.crt'));
    expect(first.keyPath).toBe(join(certs.certDir, 'web.svc.mcp.test.key'));
    expect(chained).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:web.svc.mcp.test');
    expect(
      leaf.checkPrivateKey(
        (await import('node:crypto')).createPrivateKey(readFileSync(first.keyPath)),
      ),
    ).toBe(true);
    expect(first.notAfterMs).toBe(Date.parse(leaf.validTo));
    expect(certs.notAfter('web.svc.mcp.test')).toBe(first.notAfterMs);
    expect(first.ordered).toBe(true);
    expect(again).toEqual({ ...first, ordered: false });
    expect(new X509Certificate(readFileSync(again.certPath)).serialNumber).toBe(leaf.serialNumber);
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(certs.certDir, 'acme-account.key')).mode & 0o777).toBe(0o600);
  });

  it('AcmeCertificates.ensure keeps a pair valid beyond the window and replaces one inside it', async () => {
    const certs = manager({ renewBeforeMs: 30 * 86_400_000 });
    const ca = await createTestCa(join(base, 'ca'));
    await ca.issue({ names: ['long.example.net'], dir: certs.certDir, days: 90 });
    await ca.issue({ names: ['short.example.net'], dir: certs.certDir, days: 1 });
    const caCert = new X509Certificate(readFileSync(ca.certPath));

    const long = await certs.ensure('long.example.net');
    const renewed = await certs.renewDue();
    const short = chain(join(certs.certDir, 'short.example.net.crt'), await pebble.rootPem());

    expect(new X509Certificate(readFileSync(long.certPath)).verify(caCert.publicKey)).toBe(true);
    expect(renewed).toEqual(['short.example.net']);
    expect(short.chained).toBe(true);
    expect(short.leaf.verify(caCert.publicKey)).toBe(false);
    expect(await certs.renewDue()).toEqual([]);
    expect(await certs.renewDue(['long.example.net', 'NEW.example.net.'])).toEqual([
      'new.example.net',
    ]);
  });

  it('AcmeCertificates.ensure orders again a pair whose key is garbage or belongs to another pair', async () => {
    const certs = manager();
    const ca = await createTestCa(join(base, 'ca3'));
    await ca.issue({ names: ['garbage.example.net'], dir: certs.certDir, days: 90 });
    await ca.issue({ names: ['swapped.example.net'], dir: certs.certDir, days: 90 });
    await ca.issue({ names: ['other.example.net'], dir: certs.certDir, days: 90 });
    writeFileSync(join(certs.certDir, 'garbage.example.net.key'), 'not a key\n');
    copyFileSync(
      join(certs.certDir, 'other.example.net.key'),
      join(certs.certDir, 'swapped.example.net.key'),
    );
    const matches = (pair: { certPath: string; keyPath: string }) =>
      new X509Certificate(readFileSync(pair.certPath)).checkPrivateKey(
        createPrivateKey(readFileSync(pair.keyPath)),
      );

    const garbage = await certs.ensure('garbage.example.net');
    const swapped = await certs.ensure('swapped.example.net');

    const root = await pebble.rootPem();
    expect(garbage.ordered).toBe(true);
    expect(matches(garbage)).toBe(true);
    expect(chain(garbage.certPath, root).chained).toBe(true);
    expect(swapped.ordered).toBe(true);
    expect(matches(swapped)).toBe(true);
    expect(chain(swapped.certPath, root).chained).toBe(true);
    expect((await certs.ensure('other.example.net')).ordered).toBe(false);
  });

  it('AcmeCertificates.renewDue orders again a pair whose key does not belong to it', async () => {
    const certs = manager();
    const ca = await createTestCa(join(base, 'ca4'));
    await ca.issue({ names: ['bad.example.net'], dir: certs.certDir, days: 90 });
    await ca.issue({ names: ['good.example.net'], dir: certs.certDir, days: 90 });
    writeFileSync(join(certs.certDir, 'bad.example.net.key'), '-----BEGIN PRIVATE KEY-----\n');

    const renewed = await certs.renewDue();

    const cert = new X509Certificate(readFileSync(join(certs.certDir, 'bad.example.net.crt')));
    const key = createPrivateKey(readFileSync(join(certs.certDir, 'bad.example.net.key')));
    expect(renewed).toEqual(['bad.example.net']);
    expect(cert.checkPrivateKey(key)).toBe(true);
    expect(await certs.renewDue()).toEqual([]);
  });

  it('AcmeCertificates.ensure fails naming hostname, directory and reason, and writes nothing', async () => {
    const wrongKey = manager({
      eab: { kid: pebble.eab.kid, hmacKey: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    const unreachable = manager({ directoryUrl: 'https://127.0.0.1:1/dir', requestRetries: 0 });

    const refused = await wrongKey.ensure('a.example.net').catch((err: unknown) => err);
    const absent = await unreachable.ensure('b.example.net').catch((err: unknown) => err);

    expect(refused).toBeInstanceOf(CertificateOrderError);
    expect((refused as CertificateOrderError).message).toMatch(
      new RegExp(
        `^failed to obtain a certificate for 'a.example.net' from '${pebble.directoryUrl}': .+`,
      ),
    );
    expect(absent).toBeInstanceOf(CertificateOrderError);
    expect((absent as CertificateOrderError).message).toMatch(
      /^failed to obtain a certificate for 'b.example.net' from 'https:\/\/127.0.0.1:1\/dir': .*ECONNREFUSED/,
    );
    expect(existsSync(join(wrongKey.certDir, 'a.example.net.crt'))).toBe(false);
    expect(existsSync(join(unreachable.certDir, 'b.example.net.key'))).toBe(false);
  });

  it('AcmeCertificates.renewDue tries every due pair and reports the failures together', async () => {
    const certs = manager({ directoryUrl: 'https://127.0.0.1:1/dir', requestRetries: 0 });
    const ca = await createTestCa(join(base, 'ca2'));
    await ca.issue({ names: ['x.example.net'], dir: certs.certDir, days: 1 });
    await ca.issue({ names: ['y.example.net'], dir: certs.certDir, days: 1 });

    const err = await certs.renewDue().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CertificateRenewalError);
    expect((err as CertificateRenewalError).failures.map((f) => f.hostname)).toEqual([
      'x.example.net',
      'y.example.net',
    ]);
    expect((err as CertificateRenewalError).renewed).toEqual([]);
  });
});
