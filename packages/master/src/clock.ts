// Time as the master reads it, injectable so that tests can move it.

/** The master's clock: Unix time in milliseconds. */
export interface Clock {
  now(): number;
}

/** The clock of the machine. */
export const systemClock: Clock = { now: () => Date.now() };
