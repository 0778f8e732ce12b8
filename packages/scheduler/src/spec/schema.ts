// The TOML shape of a service definition, in the format operators already use plus this
// product's optional additions (resources, arch). Shape only; rules that relate fields to
// each other live in rules.ts so they also apply to definitions that arrive over the wire.
import { z } from 'zod';

import { CPU_FORMS, SIZE_FORMS } from './quantity.js';
import { PORT_RANGE } from './rules.js';

// A union's issue carries its `error` text: the forms the field accepts, for the message.
const cpu = z.union([z.string(), z.number()], { error: CPU_FORMS });
const size = z.union([z.string(), z.number()], { error: SIZE_FORMS });

const route = z.strictObject({
  name: z.string().optional(),
  // The range before the integer check, so that 1e300 reads as out of range.
  port: z.number().min(1, PORT_RANGE).max(65535, PORT_RANGE).int(),
  mode: z.enum(['l4', 'l7']).optional(),
  hostname: z.string().optional(),
  public: z.boolean().optional(),
});

const component = z.strictObject({
  name: z.string(),
  image: z.string(),
  volumes: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  env: z.array(z.string()).optional(),
  network: z.string().optional(),
  user: z.string().optional(),
  restart: z.string().optional(),
  routes: z.array(route).optional(),
  resources: z
    .strictObject({
      cpu: cpu.optional(),
      memory: size.optional(),
      disk: size.optional(),
    })
    .optional(),
  arch: z.array(z.string()).optional(),
});

/** A service definition file as TOML gives it. */
export const definitionSchema = z.strictObject({
  name: z.string(),
  node: z.string().optional(),
  active: z.boolean().optional(),
  path: z.string().optional(),
  build: z.strictObject({ images: z.record(z.string(), z.string()).optional() }).optional(),
  components: z.array(component).min(1, 'a service needs at least one component'),
});

export type DefinitionFile = z.infer<typeof definitionSchema>;
