// A real FleetService on 127.0.0.1 for the membership tests: it records every call and answers
// as each test tells it to.
import { createServer as createNetServer } from 'node:net';

import {
  FleetServiceDefinition,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type RegisterRequest,
  type RegisterResponse,
} from '@mcp/proto';
import { createServer, type Server } from 'nice-grpc';

export interface Seen<T> {
  at: number;
  req: T;
}

export interface TestMaster {
  port: number;
  registers: Seen<RegisterRequest>[];
  heartbeats: Seen<HeartbeatRequest>[];
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
  const server: Server = createServer();
  server.add(FleetServiceDefinition, {
    register: async (req) => {
      registers.push({ at: Date.now(), req });
      return answers.register?.(req, registers.length) ?? { heartbeatIntervalMs: 0 };
    },
    heartbeat: async (req) => {
      heartbeats.push({ at: Date.now(), req });
      return (
        answers.heartbeat?.(req, heartbeats.length) ?? {
          registerAgain: false,
          heartbeatIntervalMs: 0,
        }
      );
    },
  });

  const bound = await server.listen(`127.0.0.1:${port}`);
  return {
    port: bound,
    registers,
    heartbeats,
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
