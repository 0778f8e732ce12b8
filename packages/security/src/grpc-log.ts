// grpc-js writes some of its own diagnostics to stderr, and one of them echoes a metadata value
// it could not parse, unauthenticated, at any length: a mangled `authorization` header would put
// a token in the log, and junk headers would fill the disk. Every mcp server routes grpc-js's
// logger through this scrubber.
import { setLogger } from '@grpc/grpc-js';

import { clip } from './clip.js';

/** The longest grpc-js line kept; the rest is cut. */
export const GRPC_LOG_LIMIT = 300;

/** A grpc-js log line without credentials, cut to `GRPC_LOG_LIMIT` characters. */
export function scrubGrpcLog(line: string): string {
  const scrubbed = line
    .replace(/(authorization\s*:?\s*)[^\n]*/gi, '$1[redacted]')
    .replace(/(bearer)\s*[\w.~+/=-]+/gi, '$1 [redacted]');
  return clip(scrubbed, GRPC_LOG_LIMIT);
}

/** Installs the scrubber as grpc-js's logger (it writes to stderr, as grpc-js does). */
export function scrubGrpcLogs(): void {
  const write = (...args: unknown[]) => {
    console.error(scrubGrpcLog(args.map(String).join(' ')));
  };
  setLogger({ error: write, info: write, debug: write });
}
