import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestCa, tlsHandshake, type CertificateFiles, type TestCa } from '@mcp/testkit';
import { AgentServiceDefinition, HealthCheckRequest } from '@mcp/proto';
import { createChannel, createClient, createServer, type Server } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SecretFileModeError } from './errors.js';
import { channelCredentials, serverCredentials } from './tls.js';

let dir: string;
let ca: TestCa;
let leaf: CertificateFiles;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-tls-'));
  ca = await createTestCa(join(dir, 'ca'));
  leaf = await ca.issue({ names: ['127.0.0.1'], dir: join(dir, 'leaf') });
  server = createServer();
  port = await server.listen(
    '127.0.0.1:0',
    serverCredentials({ caFile: ca.certPath, certFile: leaf.certPath, keyFile: leaf.keyPath }),
  );
});

afterAll(async () => {
  await server?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function handshake(options: { maxVersion?: 'TLSv1.2' | 'TLSv1.3' }): Promise<string> {
  return tlsHandshake({ address: `127.0.0.1:${port}`, caFile: ca.certPath, ...options });
}

async function healthCheck(caFile: string, to = port): Promise<unknown> {
  const channel = createChannel(`127.0.0.1:${to}`, channelCredentials(caFile));
  const client = createClient(AgentServiceDefinition, channel);
  try {
    return await client.healthCheck(HealthCheckRequest.create(), {
      signal: AbortSignal.timeout(5_000),
    });
  } finally {
    channel.close();
  }
}

describe('serverCredentials', () => {
  it('speaks TLS 1.3 to a client that offers it', async () => {
    await expect(handshake({})).resolves.toBe('connected with TLSv1.3');
  });

  it('refuses a client that speaks at most TLS 1.2', async () => {
    await expect(handshake({ maxVersion: 'TLSv1.2' })).resolves.toMatch(/PROTOCOL_VERSION/);
  });

  it('refuses to read a private key others may read', () => {
    const loose = join(dir, 'loose.key');
    writeFileSync(loose, 'not really a key');
    chmodSync(loose, 0o640);
    expect(() =>
      serverCredentials({ caFile: ca.certPath, certFile: leaf.certPath, keyFile: loose }),
    ).toThrow(SecretFileModeError);
    expect(() =>
      serverCredentials({ caFile: ca.certPath, certFile: leaf.certPath, keyFile: loose }),
    ).toThrow(/mode is 0640; it must be 0600 or stricter/);
  });
});

describe('channelCredentials', () => {
  it('reaches a server whose certificate the CA signed (the call itself is unimplemented)', async () => {
    await expect(healthCheck(ca.certPath)).rejects.toThrow(/UNIMPLEMENTED/);
  });

  it('refuses a server whose certificate another CA signed', async () => {
    const other = await createTestCa(join(dir, 'other'));
    await expect(healthCheck(other.certPath)).rejects.toThrow(/certificate|UNAVAILABLE/i);
  });

  it('refuses a server whose certificate names another address', async () => {
    const elsewhere = await ca.issue({ names: ['127.0.0.9'], dir: join(dir, 'elsewhere') });
    const wrong = createServer();
    const wrongPort = await wrong.listen(
      '127.0.0.1:0',
      serverCredentials({
        caFile: ca.certPath,
        certFile: elsewhere.certPath,
        keyFile: elsewhere.keyPath,
      }),
    );
    try {
      await expect(healthCheck(ca.certPath, wrongPort)).rejects.toThrow(/UNAVAILABLE/);
    } finally {
      await wrong.shutdown();
    }
  });
});
