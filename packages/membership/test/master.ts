// A real FleetService on 127.0.0.1 for the membership tests, over TLS 1.3 behind @mcp/security's
// authorize (tokens checked by the MCIAS stand-in): it records every call with its caller and
// answers as each test tells it to.
import { createServer as createNetServer } from 'node:net';

import {
  FleetServiceDefinition,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
} from '@mcp/proto';
import { authorize, type Refusal } from '@mcp/security';
import { createServer } from 'nice-grpc';

import { testSecurity } from './security.js';

export interface Seen<T> {
  at: number;
  req: T;
  /** The caller's account, as MCIAS named it. */
  username: string;
}

export interface TestMaster {
  port: number;
  registers: Seen<RegisterRequest>[];
  heartbeats: Seen<HeartbeatRequest>[];
  /** Calls the middleware refused (no token, wrong account). */
  refused: Refusal[];
  close(): Promise<void>;
}

export interface Answers {
  register?: (req: RegisterRequest, n: number) => RegisterResponse;
  heartbeat?: (req: HeartbeatRequest, n: number) => HeartbeatResponse;
}

/** Starts a FleetService on `port` (0 picks one). */
export async function startTestMaster(port = 0, answers: Answers = {}): Promise<TestMaster> {
  const registers: Seen<RegisterRequest>[] = [];
  const heartbeats: Seen<HeartbeatRequest>[] = [];
  const refused: Refusal[] = [];
  const security = await testSecurity();
  const server = createServer().use(
    authorize({ validator: security.validator, onRefused: (r) => refused.push(r) }),
  );
  server.add(FleetServiceDefinition, {
    register: async (req, ctx) => {
      registers.push({ at: Date.now(), req, username: ctx.identity.username });
      return answers.register?.(req, registers.length) ?? { heartbeatIntervalMs: 0 };
    },
    heartbeat: async (req, ctx) => {
      heartbeats.push({ at: Date.now(), req, username: ctx.identity.username });
      return (
        answers.heartbeat?.(req, heartbeats.length) ?? {
          registerAgain: false,
          heartbeatIntervalMs: 0,
        }
      );
    },
  });

  const bound = await server.listen(`127.0.0.1:${port}`, security.server);
  return {
    port: bound,
    registers,
    heartbeats,
    refused,
    async close() {
      server.forceShutdown();
    },
  };
}

/** A port that was free a moment ago, for a server started later. */
export function reservePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` every 10 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
