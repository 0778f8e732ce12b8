// What the CLI says when its credentials do not do: no token file, a guest, an expired or revoked
// token, a token file others may read, a server whose certificate the CA does not vouch for. No
// token ever appears in what it prints.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createTestCa } from '@mcp/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeAgent, type FakeAgent } from '../test-support/agent.js';
import { makeHome, runCli, type CliHome, type CliResult } from '../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let agent: FakeAgent;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  agent = await startFakeAgent('rift');
  home = await makeHome(master.address, [{ name: 'rift', address: agent.address }]);
});

afterAll(async () => {
  await agent.close();
  await master.close();
  await home.remove();
});

function printed(r: CliResult): string {
  return r.stdout.toString() + r.stderr.toString();
}

describe('mcp without usable credentials', () => {
  it('mcp ps without a token file says to log in and dials nothing', async () => {
    const loggedOut = await makeHome(master.address, [], { user: false });
    const asked = master.state.listedNodes.length;
    try {
      const r = await runCli(loggedOut, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        `Error: failed to read token file '${loggedOut.tokenFile}': no such file; ` +
          'log in with `mcp login`\n',
      );
      expect(master.state.listedNodes.length).toBe(asked);
    } finally {
      await loggedOut.remove();
    }
  });

  it('mcp agent status --direct without a token file says to log in', async () => {
    const loggedOut = await makeHome(master.address, [{ name: 'rift', address: agent.address }], {
      user: false,
    });
    const calls = agent.state.calls.length;
    try {
      const r = await runCli(loggedOut, ['agent', 'status', '--direct']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain('no such file; log in with `mcp login`');
      expect(agent.state.calls.length).toBe(calls);
    } finally {
      await loggedOut.remove();
    }
  });

  it('mcp ps refuses a token file with mode 0644 before dialling', async () => {
    const token = await home.writeToken('alice', { mode: 0o644 });
    try {
      const r = await runCli(home, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        `Error: failed to read token file '${home.tokenFile}': its mode is 0644; it must be ` +
          `0600 or stricter (chmod 600 ${home.tokenFile})\n`,
      );
      expect(printed(r)).not.toContain(token);
    } finally {
      await home.writeToken('alice');
    }
  });

  it('mcp ps as a guest prints the PERMISSION_DENIED reason of the master', async () => {
    const token = await home.writeToken('gail');
    try {
      const r = await runCli(home, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        "Error: account 'gail' (human, roles guest) may not call " +
          'mcp.v1.MasterService/ListServices: it is for human accounts that are not guests; ' +
          'log in as an account with role admin or user: `mcp login -u <name>`\n',
      );
      expect(printed(r)).not.toContain(token);
    } finally {
      await home.writeToken('alice');
    }
  });

  it('mcp status --direct as a guest prints the agent refusal', async () => {
    const token = await home.writeToken('gail');
    try {
      const r = await runCli(home, ['status', 'web', '--direct', '-n', 'rift']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain(
        "account 'gail' (human, roles guest) may not call mcp.v1.AgentService/Status",
      );
      expect(printed(r)).not.toContain(token);
    } finally {
      await home.writeToken('alice');
    }
  });

  it('mcp ps with an expired token says to log in again, without the token', async () => {
    const token = await home.writeToken('alice', { ttlMs: -60_000 });
    try {
      const r = await runCli(home, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        'Error: failed to authenticate: the bearer token was refused by MCIAS (expired); ' +
          'log in again with `mcp login`\n',
      );
      expect(printed(r)).not.toContain(token);
      expect(master.state.authRefusals.at(-1)?.reason).not.toContain(token);
    } finally {
      await home.writeToken('alice');
    }
  });

  it('mcp ps with a revoked token says to log in again', async () => {
    const token = await home.writeToken('bob');
    await master.security.mcias.revoke(token);
    try {
      const r = await runCli(home, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain('(revoked); log in again with `mcp login`\n');
      expect(printed(r)).not.toContain(token);
    } finally {
      await home.writeToken('alice');
    }
  });

  it("mcp ps prints the master's UNAVAILABLE when MCIAS is down there, not 'unreachable'", async () => {
    const token = await home.writeToken('bob');
    await master.security.mcias.stop();
    try {
      const r = await runCli(home, ['ps']);

      expect(r.code).toBe(1);
      const err = r.stderr.toString();
      expect(err).toContain(
        'Error: failed to authenticate call to mcp.v1.MasterService/ListServices: ' +
          `failed to reach MCIAS at '${master.security.mcias.url}'`,
      );
      expect(err).not.toContain('master is unreachable');
      expect(printed(r)).not.toContain(token);
    } finally {
      await master.security.mcias.start();
      await home.writeToken('alice');
    }
  });

  it('mcp ps refuses a master whose certificate another CA issued', async () => {
    const dir = join(home.dir, 'other-ca');
    const other = await createTestCa(dir);
    const pair = await other.issue({ names: ['127.0.0.1'], dir, stem: 'server' });
    const impostor = await startFakeMaster({
      tls: { caFile: other.certPath, certFile: pair.certPath, keyFile: pair.keyPath },
    });
    const there = await makeHome(impostor.address);
    try {
      const token = (await readFile(there.tokenFile, 'utf8')).trim();

      const r = await runCli(there, ['ps']);

      expect(r.code).toBe(1);
      const err = r.stderr.toString();
      expect(err).toContain(
        `Error: failed to reach the master at ${impostor.address}: the server's certificate ` +
          'was not trusted (self-signed certificate in certificate chain): it must be issued by ' +
          `the CA in ca_file '${master.security.ca.certPath}' for the address dialled\n`,
      );
      expect(err).not.toContain(token);
      expect(impostor.state.listedNodes).toEqual([]);
    } finally {
      await there.remove();
      await impostor.close();
    }
  });

  it('mcp ps without ca_file in the config says to set it', async () => {
    const bare = await makeHome(master.address);
    const text = await readFile(bare.config, 'utf8');
    await writeFile(bare.config, text.replace(/^ca_file = .*\n/m, ''));
    try {
      const r = await runCli(bare, ['ps']);

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toBe(
        `Error: invalid config '${bare.config}': ca_file: required to connect: ` +
          'set ca_file = "<the platform CA certificate, PEM>"\n',
      );
    } finally {
      await bare.remove();
    }
  });
});
