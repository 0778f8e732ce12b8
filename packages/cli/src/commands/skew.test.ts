// Version skew over --direct: an agent of an older release (a real server that serves
// HealthCheck only) is named with its version and the upgrade command, not a raw Unimplemented.
import { AgentServiceDefinition } from '@mcp/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { closedAddress, makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { serveSecured, type SecuredServer } from '../test-support/security.js';

let server: SecuredServer;
let home: CliHome;

beforeAll(async () => {
  const { healthCheck } = AgentServiceDefinition.methods;
  const { name, fullName } = AgentServiceDefinition;
  server = await serveSecured(
    { name, fullName, methods: { healthCheck } },
    {
      healthCheck: async () => ({
        node: 'old',
        version: '0.0.1',
        rpcs: [`${fullName}/HealthCheck`],
        runtimeOk: true,
        runtimeVersion: '',
        containers: 0,
      }),
    },
  );
  home = await makeHome(await closedAddress(), [{ name: 'old', address: server.address }]);
});

afterAll(async () => {
  await server.close();
  await home.remove();
});

describe('version skew', () => {
  it.each([
    { command: ['status', 'web'], rpc: 'Status' },
    { command: ['logs', 'web'], rpc: 'Logs' },
  ])('mcp $command.0 --direct names the old agent, its version and the upgrade', async (row) => {
    const r = await runCli(home, [...row.command, '--direct', '-n', 'old']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe(
      `Error: failed to call mcp.v1.AgentService/${row.rpc} on node 'old': it runs agent ` +
        'version 0.0.1, which does not implement it; upgrade it with `mcp agent upgrade old`\n',
    );
  });
});
