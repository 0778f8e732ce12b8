// mcp login at a terminal: the user name is asked and shown, the password is read in raw mode
// and never shown, Backspace edits it, and Ctrl-C aborts without writing anything.
import { readFile, stat } from 'node:fs/promises';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { makeHome, runCli, type CliHome } from '../test-support/cli.js';
import { startFakeMaster, type FakeMaster } from '../test-support/master.js';
import { startCliOnTerminal } from '../test-support/terminal.js';

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

describe('mcp login at a terminal', () => {
  it('mcp login asks the user name, reads the password without echo and logs in', async () => {
    const run = startCliOnTerminal(home, ['login']);

    await run.waitFor('Username: ');
    run.type('alice\r');
    await run.waitFor('Password for alice: ');
    // A wrong last key, rubbed out: Backspace must edit what was typed.
    run.type(`${password}x\x7f\r`);
    const r = await run.done;

    expect(r.code).toBe(0);
    const screen = run.screen();
    expect(screen).toContain('Logged in as alice; the token expires ');
    expect(screen).not.toContain(password);
    expect(screen).not.toContain(password.slice(0, 6));
    const token = (await readFile(home.tokenFile, 'utf8')).trim();
    expect(screen).not.toContain(token);
    expect((await stat(home.tokenFile)).mode & 0o777).toBe(0o600);
  });

  it('mcp login -u aborts on Ctrl-C at the password prompt and writes nothing', async () => {
    const run = startCliOnTerminal(home, ['login', '-u', 'alice']);

    await run.waitFor('Password for alice: ');
    run.type('half-typed\x03');
    const r = await run.done;

    expect(r.code).toBe(130);
    expect(run.screen()).toContain('failed to log in: aborted at the prompt; nothing was written');
    expect(run.screen()).not.toContain('half-typed');
    await expect(stat(home.tokenFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
