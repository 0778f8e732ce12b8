import { createServer } from 'node:net';
import { connect } from 'node:tls';

import { expect, test } from 'vitest';

import { MAX_HELLO_BYTES, readClientHello } from './hello.js';

/** The first bytes a real Node TLS client sends, asking for `servername`. */
function captureHello(servername: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        socket.destroy();
        server.close();
        resolve(chunk);
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const client = connect({ host: '127.0.0.1', port, servername });
      client.on('error', () => client.destroy());
    });
    server.on('error', reject);
  });
}

/** The same handshake bytes re-framed into records of at most `size` payload bytes. */
function reframe(hello: Buffer, size: number): Buffer {
  const payload = hello.subarray(5);
  const records: Buffer[] = [];
  for (let at = 0; at < payload.length; at += size) {
    const part = payload.subarray(at, at + size);
    const header = Buffer.from([0x16, 0x03, 0x01, 0, 0]);
    header.writeUInt16BE(part.length, 3);
    records.push(header, part);
  }
  return Buffer.concat(records);
}

test('readClientHello finds the SNI of a real ClientHello, case and all', async () => {
  const hello = await captureHello('Web.SVC.mcp.test');

  expect(readClientHello(hello)).toEqual({ kind: 'hello', serverName: 'Web.SVC.mcp.test' });
});

test('readClientHello waits for every byte of the message, across several records', async () => {
  const hello = reframe(await captureHello('split.example.net'), 3);

  const partial = [5, 9, 60, hello.length - 1].map((n) => readClientHello(hello.subarray(0, n)));

  expect(partial.map((p) => p.kind)).toEqual([
    'incomplete',
    'incomplete',
    'incomplete',
    'incomplete',
  ]);
  expect(readClientHello(hello)).toEqual({ kind: 'hello', serverName: 'split.example.net' });
});

test('readClientHello reports a hello without SNI', async () => {
  const hello = await captureHello('');

  expect(readClientHello(hello)).toEqual({ kind: 'hello', serverName: undefined });
});

test('readClientHello refuses bytes that are not TLS, and a hello past the size bound', () => {
  const http = readClientHello(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
  const huge = Buffer.alloc(MAX_HELLO_BYTES + 10);
  huge.set([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0xff, 0xff, 0xff]);
  const endless = readClientHello(reframe(huge, 16_000));

  expect(http).toEqual({ kind: 'invalid', reason: 'not a TLS handshake record' });
  expect(endless).toEqual({
    kind: 'invalid',
    reason: `ClientHello longer than ${MAX_HELLO_BYTES} bytes`,
  });
});
