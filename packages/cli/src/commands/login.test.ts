// mcp login and mcp logout against the real MCIAS stand-in; the stored token then works (or, once
// removed, does not) for a command that calls the master over TLS.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { closedAddress, makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;
let password: string;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address, [], { user: false });
  password = master.security.mcias.password('alice');
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

beforeEach(async () => {
  await runCli(home, ['logout']);
});

/** The config with `line` added at the top (before any table). */
async function withConfigLine(line: string): Promise<() => Promise<void>> {
  const before = await readFile(home.config, 'utf8');
  await writeFile(home.config, `${line}\n${before}`);
  return () => writeFile(home.config, before);
}

describe('mcp login', () => {
  it('mcp login --password-stdin writes a 0600 token file that then works for mcp ps', async () => {
    const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin'], {
      input: `${password}\n`,
    });

    expect(r.stderr.toString()).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(
      /^Logged in as alice; the token expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.\n$/,
    );
    expect((await stat(home.tokenFile)).mode & 0o777).toBe(0o600);
    const token = (await readFile(home.tokenFile, 'utf8')).trim();
    expect(token.length).toBeGreaterThan(20);
    expect(r.stdout.toString()).not.toContain(token);

    const ps = await runCli(home, ['ps']);
    expect(ps.stderr.toString()).toBe('no services deployed\n');
    expect(ps.code).toBe(0);
  });

  it('mcp login --json prints the user, expiry and token file, never the token', async () => {
    const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin', '--json'], {
      input: `${password}\r\n`,
    });

    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.toString()) as Record<string, string>;
    expect(json).toEqual({
      username: 'alice',
      expiresAt: expect.stringMatching(/Z$/),
      tokenFile: home.tokenFile,
      mcias: master.security.mcias.url,
    });
    expect(Date.parse(json.expiresAt ?? '')).toBeGreaterThan(Date.now());
    const token = (await readFile(home.tokenFile, 'utf8')).trim();
    expect(r.stdout.toString()).not.toContain(token);
  });

  it('mcp login with a wrong password exits 1, writes nothing and keeps the old token file', async () => {
    await home.writeToken('bob');
    const old = await readFile(home.tokenFile, 'utf8');

    const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin'], {
      input: 'not-the-password\n',
    });

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe(
      "Error: failed to log in as 'alice': invalid username or password\n",
    );
    expect(r.stdout.toString()).toBe('');
    expect(await readFile(home.tokenFile, 'utf8')).toBe(old);
    expect((await readdir(home.dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('mcp login with a wrong password and no token file leaves none', async () => {
    const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin'], {
      input: 'wrong\n',
    });

    expect(r.code).toBe(1);
    await expect(stat(home.tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(home.dir)).toEqual(expect.not.arrayContaining(['token']));
  });

  it('mcp login creates a missing token directory with mode 0700', async () => {
    const restore = await withConfigLine('token_file = "state/deep/mcp.token"');
    try {
      const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin'], {
        input: `${password}\n`,
      });

      expect(r.stderr.toString()).toBe('');
      const file = join(home.dir, 'state', 'deep', 'mcp.token');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(file))).mode & 0o777).toBe(0o700);
      expect((await runCli(home, ['ps'])).code).toBe(0);
    } finally {
      await restore();
    }
  });

  it('mcp login names the MCIAS URL when MCIAS does not answer, and writes nothing', async () => {
    const before = await readFile(home.config, 'utf8');
    const down = `https://${await closedAddress()}`;
    await writeFile(home.config, before.replace(master.security.mcias.url, down));
    try {
      const r = await runCli(home, ['login', '-u', 'alice', '--password-stdin'], {
        input: `${password}\n`,
      });

      expect(r.code).toBe(1);
      expect(r.stderr.toString()).toContain(
        `Error: failed to log in as 'alice': failed to reach MCIAS at '${down}': `,
      );
      expect(r.stderr.toString()).toContain('ECONNREFUSED');
      expect(r.stderr.toString()).toContain(`[mcias] url in ${home.config}`);
      expect(r.stderr.toString()).not.toContain(password);
      await expect(stat(home.tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await writeFile(home.config, before);
    }
  });

  it('mcp login without --username and without a terminal is a usage error', async () => {
    const r = await runCli(home, ['login', '--password-stdin'], { input: `${password}\n` });

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toBe(
      'Error: failed to log in: no user name: pass --username <name>\n',
    );
  });

  it('mcp login without --password-stdin and without a terminal says to pass it', async () => {
    const r = await runCli(home, ['login', '-u', 'alice'], { input: `${password}\n` });

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('pass --password-stdin');
    await expect(stat(home.tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('mcp logout', () => {
  it('mcp logout removes the token file, and then commands say to log in', async () => {
    await home.writeToken('alice');

    const r = await runCli(home, ['logout']);
    const again = await runCli(home, ['logout']);
    const ps = await runCli(home, ['ps']);

    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`Logged out: removed ${home.tokenFile}.\n`);
    await expect(stat(home.tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(again.code).toBe(0);
    expect(again.stdout.toString()).toBe(
      `Not logged in: there is no token file at ${home.tokenFile}.\n`,
    );
    expect(ps.code).toBe(1);
    expect(ps.stderr.toString()).toContain('log in with `mcp login`');
  });
});
