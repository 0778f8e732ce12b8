// Small helpers shared by the fleet tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { AgentServiceDefinition, MasterServiceDefinition, type ServiceStatus } from '@mcp/proto';
import { channelCredentials, secureClient } from '@mcp/security';
import type { Fleet, FleetAgent } from '@mcp/testkit';

/**
 * A master client for assertions that should not depend on the CLI's output format: TLS, the
 * fleet's operator token (alice) unless another is given.
 */
export function masterClient(fleet: Fleet, token = fleet.operatorToken) {
  const credentials = channelCredentials(fleet.ca.certPath);
  return secureClient(MasterServiceDefinition, fleet.master.listen, credentials, () => token)
    .client;
}

/** An agent client with `token` (default: the fleet's operator). */
export function agentClient(fleet: Fleet, agent: FleetAgent, token = fleet.operatorToken) {
  const credentials = channelCredentials(fleet.ca.certPath);
  return secureClient(AgentServiceDefinition, agent.listen, credentials, () => token).client;
}

/** Writes a file into a node's /srv/<service>. */
export function writeSrvFile(agent: FleetAgent, service: string, file: string, text: string): void {
  const dir = join(agent.srvRoot, service);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
}

/** The `host:port` of a service's first route. */
export function firstAddress(status: ServiceStatus | undefined): string {
  const port = status?.components[0]?.ports[0];
  if (!port) throw new Error(`service ${status?.name ?? '?'} has no port`);
  return `${port.hostIp}:${port.hostPort}`;
}

/** GETs a URL; answers the status and body, or the error's message as `error`. */
export async function get(url: string): Promise<{ status: number; body: string; error?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: '', error: (err as Error).message };
  }
}

/** Containers of a node's Podman, as `podman ps -a` reports them (name, state, labels). */
export async function podmanContainers(
  agent: FleetAgent,
): Promise<{ name: string; state: string }[]> {
  const out = await agent.podman.podman(['ps', '-a', '--format', '{{.Names}} {{.State}}']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', state = ''] = line.split(' ');
      return { name, state };
    });
}

/** Polls until `ok` answers true; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  ok: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
