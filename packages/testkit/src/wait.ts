import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { WaitTimeoutError } from './errors.js';

/** How long and how often `waitFor` polls. */
export interface WaitOptions {
  /** Names the condition in the timeout error, e.g. `registry on 127.0.0.1:5000`. */
  readonly what: string;
  /** Give up after this long. Default: 10 000 ms. */
  readonly timeoutMs?: number;
  /** Pause between attempts. Default: 50 ms. */
  readonly intervalMs?: number;
  /** Stops polling early; the wait then rejects with the signal's reason. Default: none. */
  readonly signal?: AbortSignal;
}

type Ready<T> = Exclude<Awaited<T>, undefined | null | false>;

/**
 * Calls `fn` until it returns something other than undefined, null or false, and returns that.
 * A throw counts as not ready yet; the last one becomes the `cause` of the timeout error.
 */
export async function waitFor<T>(fn: () => T, options: WaitOptions): Promise<Ready<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;

  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value as Ready<T>;
    } catch (err) {
      lastError = err;
    }

    if (Date.now() + intervalMs > deadline) {
      throw new WaitTimeoutError(options.what, timeoutMs, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}

/** Resolves once a TCP connection to host:port is accepted. Default timeout: 10 000 ms. */
export async function waitForTcp(host: string, port: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => canConnect(host, port), { what: `TCP ${host}:${port}`, timeoutMs });
}

/** One connection attempt: true when accepted, throws the refusal otherwise. */
function canConnect(host: string, port: number): Promise<true> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    });
    socket.once('error', reject);
  });
}
