// What the agent asks the runtime to create for one component, and the hash that says whether
// an existing container already matches it.
import { createHash } from 'node:crypto';

import type { ComponentSpec, ServiceSpec } from '@mcp/proto';
import { portVariable } from '@mcp/scheduler';
import type Docker from 'dockerode';

import { containerName, LABELS } from './runtime/labels.js';

/** A host port held for one route of a component. */
export interface HeldPort {
  route: string;
  hostPort: number;
}

export interface ContainerPlan {
  /** The component the container runs. */
  component: string;
  name: string;
  options: Docker.ContainerCreateOptions;
  configHash: string;
}

/** Builds the create options of a component: labels, `$PORT` variables, binds, restart policy. */
export function planContainer(
  node: string,
  address: string,
  spec: ServiceSpec,
  component: ComponentSpec,
  held: HeldPort[],
  binds: string[],
): ContainerPlan {
  const name = containerName(spec.name, component.name);
  const portEnv = component.routes.map((r) => {
    const port = held.find((h) => h.route === r.name)?.hostPort;
    return `${portVariable(r)}=${port}`;
  });
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const h of held) {
    exposed[`${h.hostPort}/tcp`] = {};
    bindings[`${h.hostPort}/tcp`] = [{ HostIp: address, HostPort: String(h.hostPort) }];
  }

  const options: Docker.ContainerCreateOptions = {
    name,
    Image: component.image,
    Env: [...component.env, ...portEnv],
    ExposedPorts: exposed,
    HostConfig: {
      Binds: binds,
      PortBindings: bindings,
      RestartPolicy: { Name: component.restart || 'unless-stopped' },
      ...(component.network ? { NetworkMode: component.network } : {}),
    },
    ...(component.cmd.length ? { Cmd: component.cmd } : {}),
    ...(component.user ? { User: component.user } : {}),
  };
  const configHash = createHash('sha256').update(JSON.stringify(options)).digest('hex');
  options.Labels = {
    [LABELS.managed]: 'true',
    [LABELS.node]: node,
    [LABELS.service]: spec.name,
    [LABELS.component]: component.name,
    [LABELS.configHash]: configHash,
  };
  return { component: component.name, name, options, configHash };
}
