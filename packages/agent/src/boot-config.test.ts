import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { securityLines } from '../test/security-files.js';
import { ConfigError, loadAgentConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-boot-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECURITY = securityLines(dir);
let n = 0;

function file(boot: string): string {
  const path = join(dir, `agent-${n++}.toml`);
  writeFileSync(
    path,
    ['name = "rift"', 'address = "127.0.0.2"', 'listen = "127.0.0.2:7443"', `state_dir = "${dir}"`]
      .concat(boot, SECURITY)
      .join('\n'),
  );
  return path;
}

const load = (boot: string) => loadAgentConfig(file(boot));

describe('boot stages config', () => {
  it('boot stages config reads stages in order with their defaults', () => {
    const c = load(`
[[boot.stages]]
name = "foundation"
services = ["mcias", "mcns"]
health = [{ tcp_route = "mcias/https" }, { tcp = "127.0.0.2:53" }, { tcp_route = "mcns" }]

[[boot.stages]]
name = "core"
services = ["metacrypt"]
timeout_ms = 5000

[[boot.stages]]
name = "management"
required = true
`);

    expect(c.bootStages).toEqual([
      {
        name: 'foundation',
        services: ['mcias', 'mcns'],
        timeoutMs: 60_000,
        health: [
          { tcpRoute: { service: 'mcias', route: 'https' } },
          { tcp: '127.0.0.2:53' },
          { tcpRoute: { service: 'mcns', route: '' } },
        ],
        required: true,
      },
      { name: 'core', services: ['metacrypt'], timeoutMs: 5000, health: [], required: false },
      { name: 'management', services: [], timeoutMs: 60_000, health: [], required: true },
    ]);
  });

  it('boot stages config is empty without a [boot] table', () => {
    expect(load('').bootStages).toEqual([]);
  });

  it.each([
    ['a stage name that is no DNS label', 'name = "Found_ation"', 'boot.stages[0].name'],
    ['a service name that is no DNS label', 'name = "a"\nservices = ["MCIAS"]', 'services[0]'],
    ['a zero timeout', 'name = "a"\ntimeout_ms = 0', 'boot.stages[0].timeout_ms'],
    ['a tcp check without a port', 'name = "a"\nhealth = [{ tcp = "mcias" }]', 'health[0].tcp'],
    ['a tcp check port out of range', 'name = "a"\nhealth = [{ tcp = "h:70000" }]', '.tcp'],
    ['a bad route reference', 'name = "a"\nhealth = [{ tcp_route = "a/b/c" }]', 'tcp_route'],
    [
      'a check of both kinds',
      'name = "a"\nhealth = [{ tcp = "h:1", tcp_route = "a" }]',
      'health[0]',
    ],
    ['a check of no kind', 'name = "a"\nhealth = [{}]', 'health[0]'],
    ['an unknown key', 'name = "a"\nwait = 3', 'boot.stages[0]'],
  ])('boot stages config refuses %s, naming the file and field', (_, body, field) => {
    const path = file(`[[boot.stages]]\n${body}`);

    expect(() => loadAgentConfig(path)).toThrow(ConfigError);
    expect(() => loadAgentConfig(path)).toThrow(path);
    expect(() => loadAgentConfig(path)).toThrow(field);
  });

  it('boot stages config refuses two stages of one name', () => {
    const path = file('[[boot.stages]]\nname = "core"\n[[boot.stages]]\nname = "core"');

    expect(() => loadAgentConfig(path)).toThrow("boot.stages[1].name: duplicate stage 'core'");
  });
});
