import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseServiceDefinition } from '@mcp/scheduler';
import { afterAll, describe, expect, it } from 'vitest';

import { securityLines } from '../test/security-files.js';
import { checkAdmission } from './admission.js';
import { loadAgentConfig } from './config.js';
import { openRegistry } from './db/index.js';
import { Store } from './db/store.js';

const dir = mkdtempSync(join(tmpdir(), 'agent-admission-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECURITY = securityLines(dir);

function agent(extra: string) {
  const file = join(dir, `agent-${Math.random()}.toml`);
  writeFileSync(
    file,
    [
      'name = "rift"',
      'address = "127.0.0.2"',
      'listen = "127.0.0.2:1"',
      `state_dir = "${dir}"`,
      extra,
      ...SECURITY,
    ].join('\n'),
  );
  const config = loadAgentConfig(file);
  return { config, store: new Store(openRegistry(join(dir, `db-${Math.random()}`))) };
}

function service(memory: string, node = 'rift') {
  return parseServiceDefinition(
    [
      'name = "web"',
      `node = "${node}"`,
      '[[components]]',
      'name = "web"',
      'image = "r:5000/web:v1"',
      '[components.resources]',
      `memory = "${memory}"`,
    ].join('\n'),
    'web.toml',
  );
}

describe('checkAdmission', () => {
  it('admits a service that fits the node', () => {
    expect(() =>
      checkAdmission(agent('[capacity]\nmemory = "1Gi"'), service('256Mi')),
    ).not.toThrow();
  });

  it('refuses a service larger than the node with the scheduler reason', () => {
    expect(() => checkAdmission(agent('[capacity]\nmemory = "128Mi"'), service('512Mi'))).toThrow(
      /failed to admit service 'web' on node 'rift': .*memory 512Mi requested/,
    );
  });

  it('leaves the target to the master and to mcp --direct -n', () => {
    expect(() => checkAdmission(agent(''), service('64Mi', 'orion'))).not.toThrow();
  });

  it('refuses on an edge-only or control-only node', () => {
    expect(() => checkAdmission(agent('roles = ["control"]'), service('64Mi'))).toThrow(/compute/);
  });
});
