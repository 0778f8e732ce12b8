// The `[[boot.stages]]` tables of the agent config: which services start in which order at agent
// start-up, and what "up" means for each stage.
import { DNS_LABEL } from '@mcp/scheduler';
import { z } from 'zod';

/** A health check of a boot stage; it passes when a TCP connection opens. */
export type BootHealthCheck =
  /** `host:port`, as given. */
  | { tcp: string }
  /**
   * The host port the registry holds for a route of a service, on the node's `address`:
   * `<service>/<route>`, or `<service>` for a service's unnamed route.
   */
  | { tcpRoute: { service: string; route: string } };

/** One boot stage, as the config declares it. */
export interface BootStage {
  /** A DNS label, unique among the stages. */
  name: string;
  /** Services of the agent's registry; one not deployed (yet) fails the stage. */
  services: string[];
  /** How long the stage may take to pass its checks, per attempt, in ms. Default 60 000. */
  timeoutMs: number;
  /** Checks that must all pass. Default none: the stage is up once its services are started. */
  health: BootHealthCheck[];
  /**
   * A required stage that fails is retried with backoff and blocks every later stage. Default
   * true for the first stage, false after.
   */
  required: boolean;
}

const label = z.string().regex(DNS_LABEL, 'must be a DNS label');
const hostPort = z
  .string()
  .regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port')
  .refine((v) => Number(v.split(':')[1]) >= 1 && Number(v.split(':')[1]) <= 65535, {
    message: 'port must be 1..65535',
  });
const routeRef = z
  .string()
  .regex(/^[a-z0-9-]+(\/[a-z0-9_-]*)?$/, 'must be <service>/<route> or <service>');

// One object with both keys optional, not a union: a union's error would not name the field.
const check = z
  .strictObject({ tcp: hostPort.optional(), tcp_route: routeRef.optional() })
  .refine((c) => (c.tcp === undefined) !== (c.tcp_route === undefined), {
    message: 'a check is either { tcp = "host:port" } or { tcp_route = "<service>/<route>" }',
  });

const stage = z.strictObject({
  name: label,
  services: z.array(label).default([]),
  timeout_ms: z.number().int().min(1).default(60_000),
  health: z.array(check).default([]),
  required: z.boolean().optional(),
});

/** The `[boot]` table; stage names must be unique. */
export const bootSchema = z
  .strictObject({ stages: z.array(stage).default([]) })
  .superRefine((boot, ctx) => {
    const seen = new Set<string>();
    boot.stages.forEach((s, i) => {
      if (seen.has(s.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['stages', i, 'name'],
          message: `duplicate stage '${s.name}'`,
        });
      }
      seen.add(s.name);
    });
  });

/** The stages of a validated `[boot]` table, in order, with their defaults filled in. */
export function bootStages(raw: z.infer<typeof bootSchema> | undefined): BootStage[] {
  return (raw?.stages ?? []).map((s, i) => ({
    name: s.name,
    services: s.services,
    timeoutMs: s.timeout_ms,
    health: s.health.map(toCheck),
    required: s.required ?? i === 0,
  }));
}

function toCheck(c: z.infer<typeof check>): BootHealthCheck {
  if (c.tcp !== undefined) return { tcp: c.tcp };
  const [service = '', route = ''] = (c.tcp_route ?? '').split('/');
  return { tcpRoute: { service, route } };
}
