import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import * as proto from './index.js';

const GEN = join(import.meta.dirname, 'gen/mcp/v1');

describe('@mcp/proto', () => {
  it('index re-exports every generated file', () => {
    const index = readFileSync(join(import.meta.dirname, 'index.ts'), 'utf8');
    for (const file of readdirSync(GEN).filter((f) => f.endsWith('.ts'))) {
      expect(index).toContain(`./gen/mcp/v1/${file.replace(/\.ts$/, '.js')}`);
    }
    expect(index).toContain(`./gen/mcproxy/v1/admin.js`);
  });

  it('exports a nice-grpc definition for every service of the contract', () => {
    const services = Object.entries(proto)
      .filter(([name]) => name.endsWith('ServiceDefinition'))
      .map(([, d]) => (d as { fullName: string }).fullName)
      .sort();
    expect(services).toEqual([
      'mcp.v1.AgentService',
      'mcp.v1.FleetService',
      'mcp.v1.MasterService',
    ]);
    expect(proto.mcproxy.ProxyAdminServiceDefinition.fullName).toBe('mcproxy.v1.ProxyAdminService');
  });

  it('a service definition round-trips through the wire format and JSON', () => {
    const spec = proto.ServiceSpec.fromPartial({
      name: 'web',
      node: 'rift',
      active: true,
      components: [
        {
          name: 'web',
          image: 'r:5000/web:v1',
          routes: [{ name: 'api', port: 443, mode: proto.RouteMode.ROUTE_MODE_L7, public: true }],
          resources: { cpuMillis: 250, memoryBytes: 2 ** 33 },
        },
      ],
    });
    const wire = proto.ServiceSpec.decode(proto.ServiceSpec.encode(spec).finish());
    expect(wire).toEqual(spec);
    expect(proto.ServiceSpec.fromJSON(proto.ServiceSpec.toJSON(spec))).toEqual(spec);
  });
});
