// Host ports for a service's routes, chosen from the agent's configured range. Lowest free
// first, so the same ports in use always give the same answer.
import { InvalidPortRequestError, PortRangeExhaustedError } from './errors.js';

/** An inclusive range of host ports, within 1-65535. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Picks `count` ports of the range that are not in use, lowest first, in ascending order.
 * Ports in use outside the range are ignored.
 * @throws InvalidPortRequestError for a range outside 1-65535, reversed, or not whole numbers,
 *   and for a count that is not a whole number of zero or more.
 * @throws PortRangeExhaustedError when fewer than `count` ports are free.
 */
export function allocatePorts(range: PortRange, inUse: Iterable<number>, count: number): number[] {
  const { first, last } = range;
  const invalid = (reason: string) => new InvalidPortRequestError(first, last, count, reason);
  if (!Number.isInteger(first) || !Number.isInteger(last)) throw invalid('bounds must be whole');
  if (first < 1 || last > 65535) throw invalid('ports run from 1 to 65535');
  if (first > last) throw invalid('the first port is above the last');
  if (!Number.isInteger(count) || count < 0) throw invalid(`cannot allocate ${count} ports`);

  const taken = new Set<number>();
  for (const port of inUse) if (port >= first && port <= last) taken.add(port);

  const ports: number[] = [];
  for (let port = first; port <= last && ports.length < count; port++) {
    if (!taken.has(port)) ports.push(port);
  }

  if (ports.length < count) {
    throw new PortRangeExhaustedError(first, last, count, last - first + 1 - taken.size);
  }
  return ports;
}
