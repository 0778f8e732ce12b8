// Reads the server name (SNI, RFC 6066) from the first bytes of a TLS connection. The
// ClientHello may span several handshake records; parsing waits until the whole message is in.

/** Largest ClientHello accepted, in bytes of records read; a longer one is refused. */
export const MAX_HELLO_BYTES = 64 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXTENSION_SERVER_NAME = 0x0000;
const NAME_TYPE_HOST = 0x00;

/** What the bytes so far say. */
export type HelloResult =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'hello'; readonly serverName: string | undefined }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Parses the first handshake record(s) of `data`. */
export function readClientHello(data: Buffer): HelloResult {
  // Gather handshake payload, record after record, until the whole ClientHello is in.
  const parts: Buffer[] = [];
  let have = 0;
  let offset = 0;
  let need: number | undefined;
  for (;;) {
    if (need === undefined && have >= 4) {
      const head = Buffer.concat(parts);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) {
        return { kind: 'invalid', reason: 'first handshake message is not a ClientHello' };
      }
      need = 4 + head.readUIntBE(1, 3);
    }
    if (need !== undefined && have >= need) break;

    if (offset + 5 > data.length) return tooLong(data) ?? { kind: 'incomplete' };
    if (data[offset] !== RECORD_HANDSHAKE) {
      return { kind: 'invalid', reason: 'not a TLS handshake record' };
    }
    const length = data.readUInt16BE(offset + 3);
    if (offset + 5 + length > data.length) return tooLong(data) ?? { kind: 'incomplete' };
    parts.push(data.subarray(offset + 5, offset + 5 + length));
    have += length;
    offset += 5 + length;
  }

  return parseHello(Buffer.concat(parts).subarray(4, need));
}

function tooLong(data: Buffer): HelloResult | undefined {
  return data.length > MAX_HELLO_BYTES
    ? { kind: 'invalid', reason: `ClientHello longer than ${MAX_HELLO_BYTES} bytes` }
    : undefined;
}

// ClientHello: version(2) random(32) session_id<1> cipher_suites<2> compression<1> extensions<2>.
function parseHello(hello: Buffer): HelloResult {
  const reader = new Reader(hello);
  try {
    reader.skip(2 + 32);
    reader.skip(reader.u8());
    reader.skip(reader.u16());
    reader.skip(reader.u8());
    if (reader.done()) return { kind: 'hello', serverName: undefined };

    const extensions = new Reader(reader.bytes(reader.u16()));
    while (!extensions.done()) {
      const type = extensions.u16();
      const data = extensions.bytes(extensions.u16());
      if (type === EXTENSION_SERVER_NAME) return { kind: 'hello', serverName: serverName(data) };
    }
    return { kind: 'hello', serverName: undefined };
  } catch (err) {
    return { kind: 'invalid', reason: err instanceof Error ? err.message : String(err) };
  }
}

// server_name extension: a list<2> of (name_type(1), name<2>); the host_name entry counts.
function serverName(data: Buffer): string | undefined {
  const list = new Reader(data);
  const names = new Reader(list.bytes(list.u16()));
  while (!names.done()) {
    const type = names.u8();
    const name = names.bytes(names.u16());
    if (type === NAME_TYPE_HOST) return name.toString('ascii');
  }
  return undefined;
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.at >= this.buf.length;
  }

  u8(): number {
    return this.bytes(1)[0] as number;
  }

  u16(): number {
    return this.bytes(2).readUInt16BE(0);
  }

  skip(n: number): void {
    this.bytes(n);
  }

  bytes(n: number): Buffer {
    if (this.at + n > this.buf.length) throw new Error('ClientHello truncated');
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
