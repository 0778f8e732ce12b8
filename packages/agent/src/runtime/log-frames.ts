// The Docker Engine API multiplexes stdout and stderr of a container without a TTY into frames:
// 8 header bytes (stream 1 or 2, three zero bytes, big-endian length) and the payload.
import { LogStream } from '@mcp/proto';

/** One demultiplexed piece of output. */
export interface Frame {
  stream: LogStream;
  data: Buffer;
}

/** Splits a byte stream into frames, keeping a partial frame until its rest arrives. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Frame[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const kind = this.pending[0];
      out.push({
        stream: kind === 2 ? LogStream.LOG_STREAM_STDERR : LogStream.LOG_STREAM_STDOUT,
        data: this.pending.subarray(8, 8 + size),
      });
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }
}
