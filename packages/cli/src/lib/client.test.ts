import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';

import { ServerError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeMaster, statusOf, type FakeMaster } from '../test-support/master.js';
import { credentialsFor } from '../test-support/security.js';
import { connectMaster } from './client.js';
import type { Credentials } from './credentials.js';
import { MasterCallError, MasterUnreachableError } from './errors.js';
import { certificateReason, transportReason } from './transport.js';

let master: FakeMaster;
let alice: Credentials;

beforeAll(async () => {
  master = await startFakeMaster();
  alice = await credentialsFor(master.security, 'alice');
});

afterAll(async () => {
  await master.close();
});

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('connectMaster', () => {
  it('connectMaster returns what the master answers', async () => {
    const spec = { name: 'web', node: 'rift', active: true, components: [] };
    master.state.services.set('web', statusOf({ ...spec, path: '', buildImages: {} }));
    const conn = connectMaster(master.address, alice);

    try {
      const res = await conn.client.status({ service: 'web' });
      expect(res.service?.node).toBe('rift');
    } finally {
      conn.close();
    }
  });

  it("connectMaster turns the master's error into MasterCallError carrying its details", async () => {
    const conn = connectMaster(master.address, alice);

    const err = await caught(() => conn.client.status({ service: 'ghost' }));
    conn.close();

    expect(err).toBeInstanceOf(MasterCallError);
    expect(err).toMatchObject({ method: 'Status', status: Status.NOT_FOUND });
    expect((err as Error).message).toBe("failed to find service 'ghost': it runs on no node");
  });

  it('connectMaster keeps UNAVAILABLE from a live master as the master answer', async () => {
    master.state.listError = new ServerError(
      Status.UNAVAILABLE,
      "failed to reach node 'rift': down",
    );
    const conn = connectMaster(master.address, alice);

    const err = await caught(() => conn.client.listServices({}));
    conn.close();
    master.state.listError = undefined;

    expect(err).toBeInstanceOf(MasterCallError);
    expect((err as Error).message).toBe("failed to reach node 'rift': down");
  });

  it('connectMaster reports a refused connection as an unreachable master', async () => {
    const port = await closedPort();
    const conn = connectMaster(`127.0.0.1:${port}`, alice, { configFile: '/c/mcp.toml' });

    const err = await caught(() => conn.client.listServices({}));
    conn.close();

    expect(err).toBeInstanceOf(MasterUnreachableError);
    const message = (err as Error).message;
    expect(message).toContain(
      `failed to reach the master at 127.0.0.1:${port}: connection refused`,
    );
    expect(message).toContain('master is unreachable');
    expect(message).toContain("'master' in /c/mcp.toml");
    expect(message).toContain("talk to one node's agent with --direct -n <node>");
  });

  it('connectMaster gives up when no connection comes up before the connect timeout', async () => {
    // A TCP server that accepts and never speaks HTTP/2: the channel never becomes ready.
    const sockets = new Set<Socket>();
    const silent: TcpServer = createTcpServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const conn = connectMaster(`127.0.0.1:${port}`, alice, { connectTimeoutMs: 300 });

    const started = Date.now();
    const err = await caught(() => conn.client.listServices({}));
    conn.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => silent.close(resolve));

    expect(err).toBeInstanceOf(MasterUnreachableError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}: no connection within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('transportReason', () => {
  it.each([
    {
      details:
        'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1 (2026-01-02T03:04:05.000Z)',
      want: 'connection refused (ECONNREFUSED)',
    },
    {
      details: 'Name resolution failed for target dns:nohost:1: getaddrinfo ENOTFOUND nohost',
      want: 'host not found (ENOTFOUND)',
    },
    { details: 'Connection dropped (2026-01-02T03:04:05.000Z)', want: 'Connection dropped' },
    { details: '', want: 'unavailable' },
  ])('transportReason reads "$want" from grpc-js details', ({ details, want }) => {
    expect(transportReason(details)).toBe(want);
  });
});

describe('certificateReason', () => {
  const CA = '/c/ca.crt';
  it.each([
    {
      description: 'a certificate of another CA',
      details:
        'No connection established. Last error: Error: self-signed certificate in certificate chain. Resolution note: ',
      want:
        "the server's certificate was not trusted (self-signed certificate in certificate chain): " +
        "it must be issued by the CA in ca_file '/c/ca.crt' for the address dialled",
    },
    {
      description: 'a certificate for another address',
      details:
        "No connection established. Last error: Error [ERR_TLS_CERT_ALTNAME_INVALID]: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: 127.0.0.9. Resolution note: ",
      want: expect.stringContaining(
        "not trusted (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in " +
          "the cert's list: 127.0.0.9)",
      ),
    },
    {
      description: 'an expired certificate',
      details: 'No connection established. Last error: Error: certificate has expired.',
      want: expect.stringContaining('not trusted (certificate has expired)'),
    },
    {
      description: 'a server without TLS',
      details:
        'No connection established. Last error: Error: 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:ssl3_record.c:350:\n. Resolution note: ',
      want: expect.stringContaining('the server does not speak TLS'),
    },
    {
      description: 'a server that stops at TLS 1.2',
      details:
        'No connection established. Last error: Error: C0:error:0A00042E:SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:../ssl/record/rec_layer_s3.c:1605:SSL alert number 70',
      want: 'the server does not offer TLS 1.3, the only version mcp speaks',
    },
    {
      description: 'a refused connection (not a certificate matter)',
      details: 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1',
      want: undefined,
    },
  ])('certificateReason reads $description', ({ details, want }) => {
    expect(certificateReason(details, CA)).toEqual(want);
  });
});
