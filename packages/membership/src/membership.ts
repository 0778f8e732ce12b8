// Fleet membership of one node: register with the master's FleetService over TLS with the node's
// own token (retrying with backoff while it is unreachable or refuses), then push heartbeats
// until stopped.
import {
  FleetServiceDefinition,
  type FleetServiceClient,
  type NodeInfo,
  type NodeUsage,
} from '@mcp/proto';
import { bearer, type TokenSource } from '@mcp/security';
import {
  ClientError,
  createClientFactory,
  Status,
  type Channel,
  type ChannelCredentials,
} from 'nice-grpc';
import { pino, type Logger } from 'pino';

import { backoffDelay, DEFAULT_BACKOFF, jitterInterval, type BackoffOptions } from './backoff.js';
import { fleetChannel } from './channel.js';
import {
  DeadlineError,
  describeFailure,
  dropsChannel,
  failureKind,
  retryAfterMs,
  type FailureKind,
} from './failure.js';

/** Options of `startMembership`. */
export interface MembershipOptions {
  /** The master's FleetService address, host:port. Required. */
  masterAddress: string;
  /**
   * TLS credentials of the channel to the master: the agent's `Security.channel` (TLS 1.3, the
   * master verified against the platform CA). Required.
   */
  credentials: ChannelCredentials;
  /**
   * The agent's own token (`agent-<node>`, from `[mcias] token_file`), read for every call and
   * sent as `authorization: Bearer`. Required. A token that cannot be read fails the call like
   * a refusal (logged at error, retried with backoff).
   */
  token: TokenSource;
  /** What the node says about itself; sent with every Register. Required. */
  node: NodeInfo;
  /**
   * Measures the node; called for every Register and Heartbeat. A zero `measuredAtMs` is filled
   * from `now()`. When it throws, the call goes without usage. Required.
   */
  usage: () => NodeUsage | Promise<NodeUsage>;
  /** Heartbeat interval in ms until the master names one. Default 10 000. */
  intervalMs?: number;
  /** Backoff between registration attempts. Default `DEFAULT_BACKOFF` (500 ms, ×2, 30 s). */
  backoff?: Partial<BackoffOptions>;
  /** Deadline of one Register or Heartbeat call, in ms. Default 5 000. */
  callTimeoutMs?: number;
  /** Where state changes are logged; bound here to `master`. Default `pino()` at info. */
  log?: Logger;
  /** Source of jitter, a number in `[0, 1)`. Default `Math.random`. */
  random?: () => number;
  /** Clock in Unix ms. Default `Date.now`. */
  now?: () => number;
}

/** A running membership. */
export interface Membership {
  /** Cancels the call in flight and every timer, closes the channel; resolves once done. */
  stop(): Promise<void>;
  /** True from a successful Register until the master asks for another one. */
  registered(): boolean;
  /** Why the last call to the master failed; empty once a call succeeds. */
  lastError(): string;
}

/** Starts registering `node` with the master and heartbeating; see the package README. */
export function startMembership(options: MembershipOptions): Membership {
  const loop = new MembershipLoop(options);
  const done = loop.run().catch((err: unknown) => loop.log.error({ err }, 'membership loop ended'));

  return {
    async stop() {
      loop.abort.abort();
      await done;
    },
    registered: () => loop.registered,
    lastError: () => loop.error,
  };
}

class MembershipLoop {
  readonly abort = new AbortController();
  readonly log: Logger;
  registered = false;
  error = '';
  private readonly backoff: BackoffOptions;
  private readonly random: () => number;
  private readonly now: () => number;
  private intervalMs: number;
  private channel: Channel | undefined;
  private client: FleetServiceClient | undefined;
  /** Since when calls fail; undefined while they succeed. */
  private failingSince: number | undefined;
  /** The kind of the last failure, and (for a refusal) its text: a change is logged again. */
  private failing: { kind: FailureKind; reason: string } | undefined;
  /** The wait the master named in its last RESOURCE_EXHAUSTED answer, in ms. */
  private retryAfter: number | undefined;
  private usageFailing = false;

  constructor(private readonly options: MembershipOptions) {
    this.log = (options.log ?? pino()).child({ master: options.masterAddress });
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  async run(): Promise<void> {
    let attempt = 0;

    while (!this.abort.signal.aborted) {
      if (!this.registered) {
        const ok = await this.register(attempt);
        // A rate limit's named wait is a floor under the backoff, never shortened by jitter.
        const backoff = backoffDelay(attempt, this.random, this.backoff);
        const delay = ok ? this.nextBeat() : Math.max(backoff, this.takeRetryAfter());
        attempt = ok ? 0 : attempt + 1;
        await this.sleep(delay);
        continue;
      }

      // A heartbeat that sends the node back to Register goes there without waiting.
      if (await this.heartbeat())
        await this.sleep(Math.max(this.nextBeat(), this.takeRetryAfter()));
    }
    this.closeChannel();
  }

  /** One Register call; true when the master accepted it. */
  private async register(attempt: number): Promise<boolean> {
    const usage = await this.measure();
    try {
      const res = await this.call((client, signal) =>
        client.register({ node: this.options.node, usage }, { signal }),
      );
      this.registered = true;
      this.adoptInterval(res.heartbeatIntervalMs);
      this.log.info(
        { intervalMs: this.intervalMs, attempts: attempt + 1, ...this.recovered() },
        'registered with master',
      );
      return true;
    } catch (err) {
      this.fail('register node', err);
      return false;
    }
  }

  /** One Heartbeat call; false when the node must register again at once. */
  private async heartbeat(): Promise<boolean> {
    const usage = await this.measure();
    try {
      const res = await this.call((client, signal) =>
        client.heartbeat({ node: this.options.node.name, usage }, { signal }),
      );
      const back = this.recovered();
      if (back.unreachableMs !== undefined) this.log.info(back, 'master answers heartbeats again');
      this.adoptInterval(res.heartbeatIntervalMs);
      this.log.trace({ usage }, 'heartbeat sent');
      if (!res.registerAgain) return true;
      this.reregister('the master asked for it (register_again)');
      return false;
    } catch (err) {
      if (err instanceof ClientError && err.code === Status.NOT_FOUND) {
        this.error = describeFailure('send heartbeat of node', this.options, err);
        this.reregister('the master does not know the node (NOT_FOUND)');
        return false;
      }
      this.fail('send heartbeat of node', err);
      return true;
    }
  }

  /**
   * Records a failed call. Logged when failures start or change kind (or, for a refusal, reason):
   * a refusal of the node's identity at error (an operator must act: allowlist, token), a rate
   * limit and anything else at warn; at debug while the same failure goes on. The reason names
   * the node and the master's answer; the token is never logged.
   */
  private fail(action: string, err: unknown): void {
    if (this.abort.signal.aborted) return;
    this.error = describeFailure(action, this.options, err);
    const kind = failureKind(err);
    this.retryAfter = kind === 'limited' ? retryAfterMs(err) : undefined;

    const fields = {
      err,
      reason: this.error,
      ...(this.retryAfter !== undefined ? { retryInMs: this.retryAfter } : {}),
    };
    const before = this.failing;
    this.failing = { kind, reason: this.error };
    this.failingSince ??= this.now();
    const same = before?.kind === kind && (kind !== 'refused' || before.reason === this.error);
    if (same) {
      this.log.debug(fields, 'master still unreachable or refusing');
      return;
    }
    if (kind === 'refused') this.log.error(fields, 'master refused the node; retrying');
    else if (kind === 'limited') this.log.warn(fields, 'master rate-limited the node; waiting');
    else if (kind === 'unreachable') this.log.warn(fields, 'master unreachable');
    else this.log.warn(fields, 'master refused the call');
  }

  /** The wait the master last named (ms), once; 0 when it named none. */
  private takeRetryAfter(): number {
    const ms = this.retryAfter ?? 0;
    this.retryAfter = undefined;
    return ms;
  }

  private reregister(why: string): void {
    this.registered = false;
    this.log.info({ why }, 're-registering with master');
  }

  /** Clears the failure state; answers how long the master was unreachable, if it was. */
  private recovered(): { unreachableMs?: number } {
    const since = this.failingSince;
    this.failingSince = undefined;
    this.failing = undefined;
    this.error = '';
    return since === undefined ? {} : { unreachableMs: this.now() - since };
  }

  private adoptInterval(ms: number): void {
    if (ms <= 0 || ms === this.intervalMs) return;
    this.log.debug({ intervalMs: ms, was: this.intervalMs }, 'heartbeat interval set by master');
    this.intervalMs = ms;
  }

  private nextBeat(): number {
    return jitterInterval(this.intervalMs, this.random);
  }

  /** The node's usage, or undefined when measuring failed (the call goes without it). */
  private async measure(): Promise<NodeUsage | undefined> {
    try {
      const usage = await this.options.usage();
      this.usageFailing = false;
      return { ...usage, measuredAtMs: usage.measuredAtMs || this.now() };
    } catch (err) {
      if (!this.usageFailing) this.log.warn({ err }, 'failed to measure node; reporting no usage');
      this.usageFailing = true;
      return undefined;
    }
  }

  /** Runs one call with the deadline and the stop signal; drops the channel when it is dead. */
  private async call<T>(send: (client: FleetServiceClient, signal: AbortSignal) => Promise<T>) {
    if (!this.client) {
      this.channel = fleetChannel(this.options.masterAddress, this.options.credentials);
      this.client = createClientFactory()
        .use(bearer(this.options.token))
        .create(FleetServiceDefinition, this.channel);
    }
    if (this.abort.signal.aborted) throw new Error('membership stopped');
    const deadline = new AbortController();
    const timeoutMs = this.options.callTimeoutMs ?? 5_000;
    const timer = setTimeout(() => deadline.abort(new DeadlineError(timeoutMs)), timeoutMs);
    const onStop = (): void => deadline.abort(this.abort.signal.reason);
    this.abort.signal.addEventListener('abort', onStop, { once: true });

    try {
      return await send(this.client, deadline.signal);
    } catch (err) {
      const failure =
        deadline.signal.reason instanceof DeadlineError ? deadline.signal.reason : err;
      if (dropsChannel(failure)) this.closeChannel();
      throw failure;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onStop);
    }
  }

  private closeChannel(): void {
    this.channel?.close();
    this.channel = undefined;
    this.client = undefined;
  }

  /** Waits `ms`, or less when stopped. */
  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
