// Boot stages at agent start: each stage's services are started (when the registry has them
// active but they do not run) and its health checks polled until they pass, one stage after the
// other. A required stage that fails is retried with backoff and holds the later stages back.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from '@mcp/membership';
import { StepStatus } from '@mcp/proto';
import type { Logger } from 'pino';

import type { Agent } from './agent.js';
import { runCheck } from './boot-checks.js';
import type { BootStage } from './boot-config.js';

/** Where a stage is: not begun, between its start and its checks passing, or done. */
export type BootStageStatus = 'waiting' | 'running' | 'retrying' | 'healthy' | 'failed';

/** What a stage has done so far. */
export interface BootStageState {
  name: string;
  required: boolean;
  status: BootStageStatus;
  /** Attempts begun, 0 while waiting. */
  attempts: number;
  /** When the last attempt began (ms since the epoch); 0 while waiting. */
  startedAtMs: number;
  /** When its checks passed; 0 until then. */
  healthyAtMs: number;
  /** Why the last attempt failed; empty when none did. */
  error: string;
}

/** Tuning of the boot run; the defaults suit production. */
export interface BootOptions {
  /** Delays between attempts of a failed required stage. Default `@mcp/membership`'s (0.5..30 s). */
  backoff?: Partial<BackoffOptions>;
  /** Pause between two rounds of health checks, in ms. Default 250. */
  pollMs?: number;
  /** Source of jitter, in [0, 1). Default Math.random. */
  random?: () => number;
}

/** A boot run in progress. */
export interface BootRun {
  /** A copy of every stage's state, in order. */
  states(): BootStageState[];
  /** Settles once every stage has run (or the run was stopped). */
  readonly done: Promise<void>;
  /** Stops retrying and polling; the start of a service in flight finishes first. */
  stop(): Promise<void>;
}

/** Thrown (and logged) when a boot stage's attempt fails. */
export class BootStageError extends Error {
  readonly code = 'BOOT_STAGE_FAILED';
  constructor(
    readonly stage: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`failed to boot stage '${stage}': ${reason}`, options);
    this.name = 'BootStageError';
  }
}

/** Runs the stages in order, in the background; the caller does not wait for them. */
export function startBoot(agent: Agent, stages: BootStage[], options: BootOptions = {}): BootRun {
  const states: BootStageState[] = stages.map((s) => ({
    name: s.name,
    required: s.required,
    status: 'waiting',
    attempts: 0,
    startedAtMs: 0,
    healthyAtMs: 0,
    error: '',
  }));
  const abort = new AbortController();
  const done = runAll(agent, stages, states, options, abort.signal).catch((err: unknown) => {
    agent.log.error({ err }, 'boot stages stopped');
  });

  return {
    states: () => states.map((s) => ({ ...s })),
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

async function runAll(
  agent: Agent,
  stages: BootStage[],
  states: BootStageState[],
  options: BootOptions,
  signal: AbortSignal,
): Promise<void> {
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const random = options.random ?? Math.random;

  for (const [i, stage] of stages.entries()) {
    const state = states[i];
    if (!state) continue;
    const log = agent.log.child({ stage: stage.name });

    for (;;) {
      if (signal.aborted) return;
      state.attempts += 1;
      state.status = 'running';
      state.startedAtMs = Date.now();
      log.info({ attempt: state.attempts, required: stage.required }, 'boot stage started');
      try {
        await runStage(agent, stage, log, options.pollMs ?? 250, signal);
        state.status = 'healthy';
        state.healthyAtMs = Date.now();
        state.error = '';
        log.info({ elapsedMs: state.healthyAtMs - state.startedAtMs }, 'boot stage healthy');
        break;
      } catch (err) {
        if (signal.aborted) return;
        state.error = err instanceof Error ? err.message : String(err);
        const elapsedMs = Date.now() - state.startedAtMs;
        if (!stage.required) {
          state.status = 'failed';
          log.warn({ err, elapsedMs }, 'boot stage failed; going on with the next stage');
          break;
        }
        state.status = 'retrying';
        const retryInMs = backoffDelay(state.attempts - 1, random, backoff);
        log.warn({ err, elapsedMs, retryInMs }, 'required boot stage failed; retrying');
        await sleep(retryInMs, signal);
      }
    }
  }

  const healthy = states.filter((s) => s.status === 'healthy').map((s) => s.name);
  const failed = states.filter((s) => s.status === 'failed').map((s) => s.name);
  if (stages.length > 0) agent.log.info({ healthy, failed }, 'boot stages done');
}

/** One attempt of a stage: start its services, then poll its checks until they pass or time out. */
async function runStage(
  agent: Agent,
  stage: BootStage,
  log: Logger,
  pollMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + stage.timeoutMs;

  for (const name of stage.services) await startService(agent, stage, name, log);

  for (;;) {
    const failing = await firstFailing(agent, stage);
    if (failing === undefined) return;
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new BootStageError(
        stage.name,
        `health checks did not pass within ${stage.timeoutMs} ms: ${failing}`,
      );
    }
    await sleep(Math.min(pollMs, left), signal);
    if (signal.aborted) throw new BootStageError(stage.name, 'the agent is stopping');
  }
}

/**
 * Starts a service through the agent's own start path (so its routes are registered) when the
 * registry has it active and a container of it does not run. A stopped service stays stopped.
 */
async function startService(agent: Agent, stage: BootStage, name: string, log: Logger) {
  const stored = agent.store.get(name);
  if (!stored) throw new BootStageError(stage.name, `service '${name}' is not deployed here`);
  if (!stored.row.active) {
    log.info({ service: name }, 'boot stage service is stopped in the registry; not started');
    return;
  }

  const live = await Promise.all(
    stored.components.map((c) => agent.runtime.inspect(c.containerId)),
  );
  if (live.every((c) => c?.state === 'running')) return;

  const out = await agent.start(name).catch((err: unknown) => {
    const why = err instanceof Error ? err.message : String(err);
    throw new BootStageError(stage.name, `service '${name}': ${why}`, { cause: err });
  });
  // A failed routes step leaves the service running; the route keeper registers its routes.
  const failed = out.steps.list.find(
    (s) => s.name === 'start' && s.status === StepStatus.STEP_STATUS_FAILED,
  );
  if (failed) throw new BootStageError(stage.name, `service '${name}': ${failed.error}`);
  log.info({ service: name }, 'boot stage service started');
}

/** The first check of the stage that does not pass (all run together), or undefined. */
async function firstFailing(agent: Agent, stage: BootStage): Promise<string | undefined> {
  const results = await Promise.all(
    stage.health.map((c) => runCheck(c, agent.store, agent.config.address)),
  );
  return results.find((r) => r !== undefined);
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
