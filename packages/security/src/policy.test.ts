import * as proto from '@mcp/proto';
import { describe, expect, it } from 'vitest';

import { AUTHORIZATION, callersOf, NOT_SERVED } from './policy.js';

interface Definition {
  fullName: string;
  methods: Record<string, { name: string }>;
}

function isDefinition(value: unknown): value is Definition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Definition>;
  return typeof v.fullName === 'string' && typeof v.methods === 'object' && v.methods !== null;
}

/** Every service definition @mcp/proto exports, also inside its namespaces (mcproxy). */
function definitions(): Definition[] {
  const found: Definition[] = [];
  for (const value of Object.values(proto)) {
    if (isDefinition(value)) found.push(value);
    else if (typeof value === 'object' && value !== null) {
      for (const inner of Object.values(value)) if (isDefinition(inner)) found.push(inner);
    }
  }
  return found;
}

describe('the authorization maps', () => {
  it('cover every method of every service definition @mcp/proto exports', () => {
    const defs = definitions();
    expect(defs.map((d) => d.fullName)).toEqual(
      expect.arrayContaining([
        'mcp.v1.MasterService',
        'mcp.v1.FleetService',
        'mcp.v1.AgentService',
      ]),
    );

    const missing: string[] = [];
    for (const def of defs) {
      if (NOT_SERVED.has(def.fullName)) continue;
      const map = AUTHORIZATION.get(def.fullName);
      for (const [key, method] of Object.entries(def.methods)) {
        const path = `/${def.fullName}/${method.name}`;
        if (!map?.[key] || !callersOf(path)?.length) missing.push(path);
      }
    }
    expect(missing).toEqual([]);
  });

  it('name no method a service does not have', () => {
    const byName = new Map(definitions().map((d) => [d.fullName, d]));
    for (const [service, map] of AUTHORIZATION) {
      const def = byName.get(service);
      expect(def, service).toBeDefined();
      for (const key of Object.keys(map))
        expect(def?.methods[key], `${service}.${key}`).toBeDefined();
    }
  });

  it('exempt only services that mcp does not serve', () => {
    for (const name of NOT_SERVED.keys()) expect(AUTHORIZATION.has(name)).toBe(false);
    expect(definitions().some((d) => NOT_SERVED.has(d.fullName))).toBe(true);
  });

  it('refuse a path that is in no map', () => {
    expect(callersOf('/mcp.v1.MasterService/Shutdown')).toBeUndefined();
    expect(callersOf('/mcproxy.v1.ProxyAdminService/AddRoute')).toBeUndefined();
  });

  it('give agents only Register and Heartbeat, and operators no edge or route RPC on an agent', () => {
    const agentMethods: string[] = [];
    const operatorOnAgent: string[] = [];
    for (const [service, map] of AUTHORIZATION) {
      for (const [key, callers] of Object.entries(map)) {
        if (callers.includes('agent')) agentMethods.push(`${service}.${key}`);
        if (service === 'mcp.v1.AgentService' && callers.includes('operator')) {
          operatorOnAgent.push(key);
        }
      }
    }
    expect(agentMethods.sort()).toEqual([
      'mcp.v1.FleetService.heartbeat',
      'mcp.v1.FleetService.register',
    ]);
    expect(operatorOnAgent.sort()).toEqual(
      ['deploy', 'healthCheck', 'logs', 'restart', 'start', 'status', 'stop'].sort(),
    );
  });
});
