import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeHome, runCli, startCli, type CliHome } from '../test-support/cli.js';
import { startFakeMaster, statusOf, type FakeMaster } from '../test-support/master.js';

let master: FakeMaster;
let home: CliHome;

beforeAll(async () => {
  master = await startFakeMaster();
  home = await makeHome(master.address);
  const spec = {
    name: 'web',
    node: 'rift',
    active: true,
    components: [],
    path: '',
    buildImages: {},
  };
  master.state.services.set('web', statusOf(spec));
});

afterAll(async () => {
  await master.close();
  await home.remove();
});

const STDOUT = Buffer.concat([Buffer.from('hello\n'), Buffer.from([0xff, 0, 0x41])]);

describe('mcp logs', () => {
  it("mcp logs writes each chunk's raw bytes to the stream it came from", async () => {
    const r = await runCli(home, ['logs', 'web']);

    expect(r.code).toBe(0);
    expect(r.stdout.equals(STDOUT)).toBe(true);
    expect(r.stderr.toString()).toBe('oops\n');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'mcp logs -f follows until %s, cancels the stream and exits 0',
    async (signal) => {
      const { child, done } = startCli(home, ['logs', 'web', '-f', '-t', '10']);

      // Wait for everything sent so far, so the signal arrives while the stream is open.
      let seen = Buffer.alloc(0);
      await new Promise<void>((resolve) =>
        child.stdout?.on('data', (b: Buffer) => {
          seen = Buffer.concat([seen, b]);
          if (seen.length >= STDOUT.length) resolve();
        }),
      );
      const cancelled = once(master.state.events, 'follow-cancelled');
      child.kill(signal);
      const r = await done;

      expect(r.signal).toBeNull();
      expect(r.code).toBe(0);
      expect(r.stdout.equals(STDOUT)).toBe(true);
      await cancelled;
    },
  );

  it("mcp logs of an unknown service prints the master's error and exits 1", async () => {
    const r = await runCli(home, ['logs', 'ghost']);

    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toBe("Error: failed to find service 'ghost': it runs on no node\n");
  });

  it.each([
    ['99999999999', 'less than or equal to 1000000'],
    ['-1', 'greater than or equal to 0'],
  ])('mcp logs -t %s is a usage error with exit code 2', async (tail, reason) => {
    const r = await runCli(home, ['logs', 'web', '-t', tail]);

    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toContain('Parsing --tail');
    expect(r.stderr.toString().replace(/\s+›\s+/g, ' ')).toContain(reason);
    expect(r.stderr.toString()).not.toContain('uint32');
  });
});
