import { DeployResponse, StepStatus } from '@mcp/proto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { sizedDefinition, webDefinition } from '../test-support/definitions.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
  await home.addDefinition('web', webDefinition());
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

afterEach(() => {
  master.state.deployed.length = 0;
  master.state.failSteps.clear();
});

describe('mcp deploy', () => {
  it('mcp deploy sends the definition from services_dir and prints steps and containers', async () => {
    const r = await runCli(home, ['deploy', 'web']);

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    expect(master.state.deployed.map((s) => s.name)).toEqual(['web']);
    expect(master.state.deployed[0]?.components[0]?.image).toBe(
      'registry.test:5000/busybox:v1.0.0',
    );
    const out = r.stdout.toString();
    expect(out).toMatch(/^placement\s+rift\s+OK\s+node 'rift'$/m);
    expect(out).toMatch(/^containers\s+rift\s+OK\s+started 1 container$/m);
    expect(out).toMatch(/^web\s+httpd\s+rift\s+v1\.0\.0\s+running\s+0\s+web=127\.0\.0\.2:20000\s/m);
  });

  it('mcp deploy --json prints the DeployResponse as proto JSON', async () => {
    const r = await runCli(home, ['deploy', 'web', '--json']);

    expect(r.code).toBe(0);
    const res = DeployResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(res.node).toBe('rift');
    expect(res.steps.map((s) => [s.name, s.status])).toEqual([
      ['placement', StepStatus.STEP_STATUS_OK],
      ['containers', StepStatus.STEP_STATUS_OK],
    ]);
    expect(res.service?.components[0]?.ports[0]).toMatchObject({
      hostIp: '127.0.0.2',
      hostPort: 20000,
    });
  });

  it('mcp deploy reads a definition given as a path', async () => {
    const file = await home.addDefinition('other-name', webDefinition('api', 'v2.0.0'));

    const r = await runCli(home, ['deploy', file, '--dry-run']);

    expect(r.code).toBe(0);
    expect(master.state.deployed.map((s) => s.name)).toEqual(['api']);
    expect(r.stdout.toString()).toMatch(/^placement\s+rift\s+OK/m);
    expect(r.stdout.toString()).not.toContain('containers');
  });

  it('mcp deploy exits 1 and shows the error when a step failed', async () => {
    master.state.failSteps.add('containers');

    const r = await runCli(home, ['deploy', 'web']);

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toMatch(
      /^containers\s+rift\s+FAILED\s+containers broke on purpose$/m,
    );
  });

  it('mcp deploy prints a bad definition as is and sends nothing', async () => {
    const file = await home.addDefinition('broken', 'name = "broken"\nnode = = "rift"\n');

    const r = await runCli(home, ['deploy', 'broken']);

    expect(r.code).toBe(1);
    expect(master.state.deployed).toEqual([]);
    const err = r.stderr.toString();
    expect(err).toMatch(new RegExp(`^Error: invalid service definition '${file}': line 2: `));
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('mcp deploy names the file it looked for when the service has no definition', async () => {
    const r = await runCli(home, ['deploy', 'ghost']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toContain(`no such file ${home.servicesDir}/ghost.toml`);
  });

  it('mcp deploy without a service is a usage error with exit code 2', async () => {
    const r = await runCli(home, ['deploy']);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('Missing 1 required arg');
  });
});

describe('mcp deploy --dry-run', () => {
  it('mcp deploy --dry-run prints the target, the chosen node and a line per node', async () => {
    await home.addDefinition('api', sizedDefinition('api', '512Mi'));

    const r = await runCli(home, ['deploy', 'api', '--dry-run']);

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    expect(master.state.services.has('api')).toBe(false);
    const [summary, explanation] = r.stdout.toString().split('\n\n');
    expect(summary).toBe(
      [
        'target     any compute node, ranked by spread',
        'node       rift',
        'requested  cpu 250m, memory 512Mi, disk 0B',
      ].join('\n'),
    );
    const lines = explanation?.split('\n') ?? [];
    expect(lines[0]).toMatch(/^NODE\s+RESULT\s+SCORE\s+DETAIL$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/))).toEqual([
      ['hyperborea', 'rejected', '-', 'unhealthy; last heartbeat 2m5s ago, stale after 30s'],
      // Measured free CPU limits nothing (CPU is shared); only memory keeps orion out.
      ['orion', 'rejected', '-', 'memory 512Mi requested, 256Mi free'],
      ['rift', 'chosen', '0.81', 'cpu_free 0.94, memory_free 0.69'],
      ['svc', 'rejected', '-', 'edge node, runs no containers'],
    ]);
  });

  it('mcp deploy --dry-run --json carries the same placement', async () => {
    await home.addDefinition('api', sizedDefinition('api', '512Mi'));

    const r = await runCli(home, ['deploy', 'api', '--dry-run', '--json']);

    expect(r.code).toBe(0);
    const { placement } = DeployResponse.fromJSON(JSON.parse(r.stdout.toString()));
    expect(placement?.node).toBe('rift');
    expect(placement?.requested?.memoryBytes).toBe(512 * 2 ** 20);
    expect(placement?.explanation.map((e) => [e.node, e.feasible])).toEqual([
      ['hyperborea', false],
      ['orion', false],
      ['rift', true],
      ['svc', false],
    ]);
  });

  it("mcp deploy prints the master's reasons as is and exits 1 when nothing fits", async () => {
    await home.addDefinition('big', sizedDefinition('big', '16Gi'));

    const r = await runCli(home, ['deploy', 'big']);

    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toBe('');
    const sent = master.state.refusals.at(-1) ?? '';
    expect(r.stderr.toString()).toBe(`Error: ${sent}\n`);
    expect(sent).toMatch(/^failed to place service 'big': no feasible node in the fleet: /);
    for (const node of ['hyperborea', 'orion', 'rift', 'svc']) {
      expect(sent).toMatch(new RegExp(`\\b${node}: memory 16Gi requested, \\w+ free`));
    }
  });

  it('mcp deploy --dry-run exits 1 with the reasons when the pool has no feasible node', async () => {
    await home.addDefinition('pi-app', sizedDefinition('pi-app', '64Mi', 'pi'));

    const r = await runCli(home, ['deploy', 'pi-app', '--dry-run']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe(`Error: ${master.state.refusals.at(-1)}\n`);
    expect(r.stderr.toString()).toMatch(
      /^Error: failed to place service 'pi-app': no feasible node in pool 'pi': hyperborea: unhealthy/,
    );
  });
});
