import { X509Certificate } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { allocateLoopbackAddress, cleanupAll, startMcns, startPebble } from '@mcp/testkit';
import type { Mcns, Pebble } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AcmeCertificates, type AcmeOptions } from './acme.js';
import { AcmeKeyFileError, acmeCertificates } from './acme-config.js';
import { CertificateOrderError } from './acme-errors.js';
import type { ChallengeSolver } from './acme-order.js';
import { Dns01RecordError, McnsDns01Solver } from './dns01.js';

const ZONE = 'mcp.test';
const base = await mkdtemp(join(tmpdir(), 'mcp-dns01-'));
let mcns: Mcns;
let pebble: Pebble;
beforeAll(async () => {
  const address = allocateLoopbackAddress();
  mcns = await startMcns({ dir: join(base, 'mcns'), address, zone: ZONE });
  // Real validation: Pebble asks the MCNS stand-in's DNS for `_acme-challenge.<name>` TXT.
  pebble = await startPebble({
    dir: join(base, 'pebble'),
    address,
    alwaysValid: false,
    dnsServer: `${mcns.dnsAddress.host}:${mcns.dnsAddress.port}`,
  });
});
afterAll(async () => {
  await cleanupAll();
  await rm(base, { recursive: true, force: true });
});

let dirs = 0;
function manager(solver: ChallengeSolver | undefined): AcmeCertificates {
  const certDir = join(base, `certs-${++dirs}`);
  const options: AcmeOptions = {
    certDir,
    directoryUrl: pebble.directoryUrl,
    caFile: pebble.caFile,
    eab: pebble.eab,
    accountKeyPath: join(certDir, 'acme-account.key'),
    requestRetries: 0,
    solver,
  };
  return new AcmeCertificates(options);
}

async function txtRecords(name: string): Promise<{ name: string; value: string }[]> {
  const url = `${mcns.url}/v1/zones/${ZONE}/records?name=${name}&type=TXT`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${mcns.token}` } });
  return ((await res.json()) as { records: { name: string; value: string }[] }).records;
}

describe('McnsDns01Solver', () => {
  it('McnsDns01Solver meets a validated dns-01 challenge through MCNS and removes its record', async () => {
    const solver = new McnsDns01Solver({ url: mcns.url, token: mcns.token, zone: ZONE });
    const seen: { name: string; value: string }[][] = [];
    const watching: ChallengeSolver = {
      types: solver.types,
      selfChecked: solver.selfChecked,
      create: async (host, type, token, digest) => {
        await solver.create(host, type, token, digest);
        seen.push(await txtRecords(McnsDns01Solver.recordName(host)));
      },
      remove: (...args) => solver.remove(...args),
    };
    const certs = manager(watching);

    const pair = await certs.ensure('web.svc.mcp.mcp.test');

    const leaf = new X509Certificate(await readFile(pair.certPath));
    expect(leaf.subjectAltName).toBe('DNS:web.svc.mcp.mcp.test');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual([
      expect.objectContaining({ name: '_acme-challenge.web.svc.mcp.mcp.test' }),
    ]);
    expect(seen[0]![0]!.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await txtRecords('_acme-challenge.web.svc.mcp.mcp.test')).toEqual([]);
  });

  it('AcmeCertificates.ensure without a solver fails against a CA that validates', async () => {
    const certs = manager(undefined);

    const err = await certs.ensure('bare.svc.mcp.mcp.test').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(CertificateOrderError);
    expect((err as CertificateOrderError).hostname).toBe('bare.svc.mcp.mcp.test');
    // Pebble really checked the challenge (http-01, nothing served) and refused it.
    expect((err as CertificateOrderError).reason).toMatch(/acme-challenge/);
  });

  it('acmeCertificates with dns01 settings obtains through MCNS, refusing a readable token file', async () => {
    const eabFile = join(base, 'eab.key');
    await writeFile(eabFile, pebble.eab.hmacKey, { mode: 0o600 });
    const loose = join(base, 'loose-token');
    await writeFile(loose, mcns.token);
    await chmod(loose, 0o644);
    const settings = {
      directoryUrl: pebble.directoryUrl,
      caFile: pebble.caFile,
      eabKid: pebble.eab.kid,
      eabHmacKeyFile: eabFile,
      renewBeforeDays: 30,
      checkIntervalMs: 3_600_000,
      dns01McnsUrl: mcns.url,
      dns01McnsTokenFile: mcns.tokenFile,
      dns01Zone: ZONE,
    };

    const pair = await acmeCertificates(settings, join(base, 'certs-config')).ensure(
      'api.svc.mcp.mcp.test',
    );
    const refused = (() => {
      try {
        return acmeCertificates({ ...settings, dns01McnsTokenFile: loose }, join(base, 'x'));
      } catch (err) {
        return err;
      }
    })();

    expect(new X509Certificate(await readFile(pair.certPath)).subjectAltName).toBe(
      'DNS:api.svc.mcp.mcp.test',
    );
    expect(await txtRecords('_acme-challenge.api.svc.mcp.mcp.test')).toEqual([]);
    expect(refused).toBeInstanceOf(AcmeKeyFileError);
    expect((refused as Error).message).toBe(
      `failed to read the MCNS token file '${loose}': it must be mode 0600 or stricter`,
    );
  });

  it('McnsDns01Solver refuses a name outside its zone and names a wrong token', async () => {
    const wrong = new McnsDns01Solver({ url: mcns.url, token: 'nope', zone: ZONE });

    const outside = await wrong.create('a.example.net', 'dns-01', 't', 'd').catch((e) => e);
    const denied = await wrong.create('a.mcp.test', 'dns-01', 't', 'd').catch((e) => e);

    expect(outside).toBeInstanceOf(Dns01RecordError);
    expect((outside as Error).message).toMatch(
      /^failed to create the TXT record '_acme-challenge.a.example.net' on .*: it is not in zone 'mcp.test'$/,
    );
    expect(denied).toBeInstanceOf(Dns01RecordError);
    expect((denied as Error).message).toMatch(/: MCNS answered 401: a valid bearer token/);
  });
});
