// Raw log output: chunk bytes to stdout or stderr as the container wrote them.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

import { LogStream, type LogChunk } from '@mcp/proto';

/** Where log chunks go; the process streams by default. */
export interface LogSink {
  stdout: Writable;
  stderr: Writable;
}

/** Writes a chunk to the stream it came from, waiting when the reader is slow. */
export async function writeChunk(
  chunk: LogChunk,
  sink: LogSink,
  signal?: AbortSignal,
): Promise<void> {
  const out = chunk.stream === LogStream.LOG_STREAM_STDERR ? sink.stderr : sink.stdout;
  if (!out.write(chunk.data)) await once(out, 'drain', { signal });
}

/**
 * An AbortSignal that fires on SIGINT or SIGTERM, or when stdout's reader goes away (EPIPE,
 * as in `mcp logs x | head`). `dispose()` removes the handlers.
 */
export function interruption(): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.on('error', onError);

  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.off('error', onError);
    },
  };
}
