// Container output as a stream of LogChunks: every component's frames, merged as they arrive.
import type { LogChunk } from '@mcp/proto';

import type { ComponentRow } from './db/store.js';
import { ContainerMissingError } from './errors.js';
import { FrameReader } from './runtime/log-frames.js';
import { isMissing, RuntimeError, type Runtime } from './runtime/runtime.js';

export interface LogOptions {
  follow: boolean;
  /** Lines from the end; 0 for all. */
  tail: number;
  /** Ends a followed stream. */
  signal: AbortSignal;
}

/** Opens a component's output; a container removed behind the agent's back says so plainly. */
async function openLogs<T>(row: ComponentRow, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (isMissing(err)) {
      throw new ContainerMissingError('read the logs of', row.service, row.name, row.containerName);
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new RuntimeError('read logs of container', row.containerName, reason, { cause: err });
  }
}

export async function* streamLogs(
  runtime: Runtime,
  rows: ComponentRow[],
  opts: LogOptions,
): AsyncGenerator<LogChunk> {
  const queue: LogChunk[] = [];
  let open = rows.length;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const streams: NodeJS.ReadableStream[] = [];
  const abort = (): void => {
    for (const s of streams) (s as unknown as { destroy(): void }).destroy();
    open = 0;
    notify();
  };
  opts.signal.addEventListener('abort', abort, { once: true });

  try {
    for (const row of rows) {
      const container = runtime.docker.getContainer(row.containerId);
      const common = { stdout: true, stderr: true, ...(opts.tail ? { tail: opts.tail } : {}) };
      const reader = new FrameReader();
      const push = (buf: Buffer): void => {
        for (const f of reader.push(buf))
          queue.push({ component: row.name, stream: f.stream, data: f.data });
        notify();
      };
      if (opts.follow) {
        const stream = await openLogs(row, () => container.logs({ ...common, follow: true }));
        streams.push(stream);
        stream.on('data', push);
        stream.on('error', (err: unknown) => {
          failure = err;
          notify();
        });
        stream.on('end', () => {
          open -= 1;
          notify();
        });
      } else {
        push(await openLogs(row, () => container.logs({ ...common, follow: false })));
        open -= 1;
      }
    }

    for (;;) {
      while (queue.length > 0) yield queue.shift() as LogChunk;
      if (failure) throw failure;
      if (open <= 0 || opts.signal.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    opts.signal.removeEventListener('abort', abort);
    abort();
  }
}
