import { AgentServiceDefinition } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  // rift implements every RPC; orion runs an older agent that implements HealthCheck alone.
  const node = (name: string) => master.state.nodes.find((n) => n.info?.name === name)?.info;
  const rift = node('rift');
  const orion = node('orion');
  if (!rift || !orion) throw new Error('the test fleet has no rift or orion');
  rift.rpcs = Object.values(AgentServiceDefinition.methods).map(
    (m) => `${AgentServiceDefinition.fullName}/${m.name}`,
  );
  orion.version = 'v0.2.0';
  orion.rpcs = [`${AgentServiceDefinition.fullName}/HealthCheck`];
  home = await makeHome(master.address);
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

describe('mcp agent status', () => {
  it('mcp agent status shows each version and marks the node that is behind', async () => {
    const r = await runCli(home, ['agent', 'status']);

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out).toMatch(/^rift\s+v0\.3\.0\s+-$/m);
    expect(out).toMatch(/^orion\s+v0\.2\.0\s+version v0\.2\.0, expected v0\.3\.0; lacks Deploy, /m);
    // The edge node is judged against edge nodes only: not skew.
    expect(out).toMatch(/^svc\s+v0\.3\.0\s+-$/m);
    expect(out).toContain('upgrade with: mcp agent upgrade orion\n');
  });

  it('mcp agent status --json carries the expected version and every row', async () => {
    const r = await runCli(home, ['agent', 'status', '--json', '--expect', 'v0.4.0']);

    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.toString()) as { expected: string; nodes: { skew: string }[] };
    expect(json.expected).toBe('v0.4.0');
    expect(json.nodes).toHaveLength(master.state.nodes.length);
    expect(json.nodes.every((n) => n.skew.startsWith('version '))).toBe(true);
  });
});
