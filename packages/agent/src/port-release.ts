// Waiting for a container's host ports to be free before it starts.
//
// Podman (as root) binds a container's host ports itself and passes the sockets to conmon, so
// that nothing else takes them while the container runs. When the OCI runtime then fails to
// start the container, the service process keeps its own copies of those sockets open until
// Go's garbage collector finalizes them, which an idle service does only every two minutes:
// observed with Podman 4.3.1, where libpod closes them on the success path of
// `createOCIContainer` only. No upstream issue was found for it; containers/podman#1100 is why
// Podman holds the ports, containers/conmon#240 the same symptom on restart. A stopped
// container's conmon may also hold them a moment after the stop returns.
// Asking the service for its info allocates enough to bring its collection forward, so the
// wait does that between checks; the deadline alone would be enough, only slower.
import { canBind } from './ports.js';
import type { Runtime } from './runtime/runtime.js';

/** Longest wait for ports a failed start left held: Go collects at least every 2 minutes. */
export const FAILED_START_RELEASE_MS = 130_000;

/** Longest wait for the ports of a container just stopped. */
export const STOP_RELEASE_MS = 10_000;

const INTERVAL_MS = 200;

/**
 * Waits until every port can be bound on `address`, or until `timeoutMs` passed; answers the
 * ports still held then (empty when all are free).
 */
export async function waitForRelease(
  runtime: Runtime,
  address: string,
  ports: number[],
  timeoutMs: number,
): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let held = ports;

  for (;;) {
    const free = await Promise.all(held.map((p) => canBind(address, p)));
    held = held.filter((_, i) => !free[i]);
    if (held.length === 0 || Date.now() >= deadline) return held;

    await runtime.nudge().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
  }
}
