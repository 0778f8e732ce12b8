// --direct -n <node>: the service commands against one node's agent while the master is down.
import { DeployResponse, ListServicesResponse, ServiceStatus, StepStatus } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeAgent, type FakeAgent } from '../test-support/agent.js';
import { closedAddress, makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { webDefinition } from '../test-support/definitions.js';

let agent: FakeAgent;
let home: CliHome;
let orion: string;

beforeAll(async () => {
  agent = await startFakeAgent('rift');
  orion = await closedAddress();
  // Nothing listens at the master's address: every command here must do without it.
  home = await makeHome(await closedAddress(), [
    { name: 'rift', address: agent.address },
    { name: 'orion', address: orion },
  ]);
  await home.addDefinition('web', webDefinition());
});

afterAll(async () => {
  await agent.close();
  await home.remove();
});

describe('mcp --direct', () => {
  it('mcp deploy --direct sends the definition to the agent and prints its steps', async () => {
    const r = await runCli(home, ['deploy', 'web', '--direct', '-n', 'rift']);

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    expect(agent.state.deployed.map((s) => s.name)).toEqual(['web']);
    const out = r.stdout.toString();
    expect(out).toMatch(/^containers\s+rift\s+OK\s+started 1 container$/m);
    expect(out).toMatch(/^web\s+httpd\s+rift\s+v1\.0\.0\s+running\s+0\s+web=127\.0\.0\.2:20000\s/m);
  });

  it('mcp deploy --direct --json prints a DeployResponse naming the node', async () => {
    const r = await runCli(home, ['deploy', 'web', '--direct', '-n', 'rift', '--json']);

    expect(r.code).toBe(0);
    const res = DeployResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(res.node).toBe('rift');
    expect(res.placement).toBeUndefined();
    expect(res.steps.map((s) => [s.name, s.node, s.status])).toEqual([
      ['containers', 'rift', StepStatus.STEP_STATUS_OK],
    ]);
    expect(res.service).toEqual(agent.state.services.get('web'));
  });

  it('mcp deploy --direct warns when the definition names another node', async () => {
    await home.addDefinition(
      'api',
      webDefinition('api').replace('node = "rift"', 'node = "orion"'),
    );

    const r = await runCli(home, ['deploy', 'api', '--direct', '-n', 'rift']);

    expect(r.code).toBe(0);
    expect(r.stderr.toString()).toBe(
      "Warning: the definition of 'api' targets node 'orion'; deploying to 'rift' as -n says\n",
    );
    expect(agent.state.services.get('api')?.node).toBe('rift');
    agent.state.services.delete('api');
  });

  it('mcp status --direct shows the service as the agent reports it', async () => {
    const text = await runCli(home, ['status', 'web', '--direct', '-n', 'rift']);
    const json = await runCli(home, ['status', 'web', '--direct', '-n', 'rift', '--json']);

    expect(text.code).toBe(0);
    expect(text.stdout.toString()).toContain('service   web\nnode      rift\n');
    expect(text.stdout.toString()).toMatch(/httpd\s+web\s+127\.0\.0\.2:20000\s+443\s+l7/);
    expect(ServiceStatus.fromJSON(JSON.parse(json.stdout.toString()))).toEqual(
      agent.state.services.get('web'),
    );
  });

  it('mcp status --direct of a service the node does not run exits 1 naming the node', async () => {
    const r = await runCli(home, ['status', 'ghost', '--direct', '-n', 'rift']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe(
      "Error: failed to find service 'ghost': node 'rift' does not report it\n",
    );
  });

  it('mcp ps --direct lists what the agent runs, with the node column', async () => {
    const text = await runCli(home, ['ps', '--direct', '-n', 'rift']);
    const json = await runCli(home, ['ps', '--direct', '-n', 'rift', '--json']);

    expect(text.code).toBe(0);
    const lines = text.stdout.toString().trimEnd().split('\n');
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 5))).toEqual([
      ['web', 'httpd', 'rift', 'v1.0.0', 'running'],
    ]);
    const res = ListServicesResponse.fromJSON(JSON.parse(json.stdout.toString()));
    expect(res).toEqual({ services: [agent.state.services.get('web')], errors: [] });
  });

  it('mcp logs --direct streams the output from the agent', async () => {
    const r = await runCli(home, ['logs', 'web', '--direct', '-n', 'rift']);

    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('web on rift\n');
  });

  it.each(['stop', 'start', 'restart'])('mcp %s --direct runs on the agent', async (verb) => {
    const r = await runCli(home, [verb, 'web', '--direct', '-n', 'rift']);

    expect(r.code).toBe(0);
    expect(agent.state.calls.at(-1)).toBe(verb);
    expect(r.stdout.toString()).toMatch(new RegExp(`^${verb}\\s+rift\\s+OK\\s+${verb} web$`, 'm'));
  });

  it('mcp undeploy takes no --direct: agents take Undeploy from mcp-master only', async () => {
    await runCli(home, ['deploy', 'web', '--direct', '-n', 'rift']);
    const before = agent.state.calls.length;

    const r = await runCli(home, ['undeploy', 'web', '--direct', '-n', 'rift']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('--direct');
    expect(agent.state.calls.length).toBe(before);
    expect(agent.state.services.has('web')).toBe(true);
  });
});

describe('mcp --direct usage', () => {
  it('mcp --direct with an unknown node is a usage error naming the known nodes', async () => {
    const r = await runCli(home, ['status', 'web', '--direct', '-n', 'nope']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toBe(
      "Error: failed to use --direct: unknown node 'nope'; known nodes: rift, orion " +
        `(the [[nodes]] of ${home.config})\n`,
    );
  });

  it('mcp --direct without -n is a usage error naming the known nodes', async () => {
    const r = await runCli(home, ['ps', '--direct']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('missing -n/--node <node>; known nodes: rift, orion');
  });

  it('mcp stop -n without --direct is a usage error', async () => {
    const r = await runCli(home, ['stop', 'web', '-n', 'rift']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('--direct');
  });

  it('mcp deploy --dry-run --direct is a usage error: agents do not place', async () => {
    const before = agent.state.calls.length;

    const r = await runCli(home, ['deploy', 'web', '--dry-run', '--direct', '-n', 'rift']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('--direct');
    expect(agent.state.calls.length).toBe(before);
  });

  it('mcp --direct to a node whose agent is down names the node and its address', async () => {
    const r = await runCli(home, ['ps', '--direct', '-n', 'orion']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toMatch(
      new RegExp(`^Error: failed to reach node 'orion' at ${orion}: connection refused`),
    );
  });

  it('mcp without --direct says the master is unreachable and how to repeat with --direct', async () => {
    const r = await runCli(home, ['status', 'web']);

    expect(r.code).toBe(1);
    const err = r.stderr.toString();
    expect(err).toContain('The master is unreachable');
    expect(err).toContain(
      "While it is down, ask one node's agent: mcp status web --direct -n <node> " +
        '(nodes: rift, orion).',
    );
  });
});
