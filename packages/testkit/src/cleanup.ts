import { TeardownError } from './errors.js';

/** One started thing the process must stop before it ends. */
export interface CleanupEntry {
  /** Names the thing in errors, e.g. `podman service /tmp/x/podman.sock`. */
  readonly label: string;
  /** Orderly stop; must be safe to call twice. */
  readonly stop: () => Promise<void>;
  /**
   * Best-effort blocking stop, run from the process `exit` event where promises never settle.
   * Default: none, the thing is left to `stop` only.
   */
  readonly stopSync?: () => void;
}

const entries: CleanupEntry[] = [];
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let handlersInstalled = false;

/** Registers a started thing; returns the function that unregisters it (call it from `stop`). */
export function registerCleanup(entry: CleanupEntry): () => void {
  installHandlers();
  entries.push(entry);

  return () => {
    const at = entries.indexOf(entry);
    if (at >= 0) entries.splice(at, 1);
  };
}

/**
 * Stops every registered thing, the last started first. Every stop is attempted; failures are
 * thrown together afterwards as one `TeardownError`.
 */
export async function cleanupAll(): Promise<void> {
  const errors: unknown[] = [];

  for (const entry of entries.splice(0).reverse()) {
    try {
      await entry.stop();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new TeardownError('testkit cleanup', errors);
}

/** How many things are registered and not yet stopped. */
export function pendingCleanups(): number {
  return entries.length;
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;

  for (const signal of SIGNALS) {
    process.once(signal, () => void stopThenDie(signal));
  }

  // Whatever is still registered when the process ends gets the blocking stop.
  process.once('exit', () => {
    for (const entry of entries.splice(0).reverse()) {
      try {
        entry.stopSync?.();
      } catch {
        // Nothing can be reported from an exit handler; carry on with the rest.
      }
    }
  });
}

async function stopThenDie(signal: NodeJS.Signals): Promise<void> {
  try {
    await cleanupAll();
  } catch (err) {
    console.error(err);
  }

  // Die of the same signal unless someone else (a test runner) took charge of it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}
