import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DefinitionError } from '@mcp/scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { definitionFile, readDefinition } from './definitions.js';
import { DefinitionNotFoundError, DefinitionUnreadableError, fileErrorReason } from './errors.js';

const MCQ = `
name = "mcq"
node = "rift"

[[components]]
name = "mcq"
image = "mcr.example:8443/mcq:v0.4.0"

[[components.routes]]
name = "web"
port = 443
mode = "l7"
`;

let dir: string;
let config: { file: string; servicesDir: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-defs-'));
  config = { file: join(dir, 'mcp.toml'), servicesDir: dir };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('definitionFile', () => {
  it.each([
    { description: 'a bare name is looked up in services_dir', arg: 'mcq', want: '/s/mcq.toml' },
    {
      description: 'a name with .toml is a path',
      arg: 'mcq.toml',
      want: join(process.cwd(), 'mcq.toml'),
    },
    {
      description: 'a relative path is a path',
      arg: './x/mcq',
      want: join(process.cwd(), 'x/mcq'),
    },
    { description: 'an absolute path is a path', arg: '/tmp/a.toml', want: '/tmp/a.toml' },
  ])('definitionFile: $description', ({ arg, want }) => {
    expect(definitionFile(arg, '/s')).toBe(want);
  });
});

describe('readDefinition', () => {
  it('readDefinition parses <services_dir>/<service>.toml', async () => {
    await writeFile(join(dir, 'mcq.toml'), MCQ);

    const def = await readDefinition('mcq', config);

    expect(def.file).toBe(join(dir, 'mcq.toml'));
    expect(def.spec.name).toBe('mcq');
    expect(def.spec.node).toBe('rift');
    expect(def.spec.components[0]?.routes[0]?.port).toBe(443);
  });

  it('readDefinition reads a file given as a path', async () => {
    const file = join(dir, 'elsewhere.toml');
    await writeFile(file, MCQ);

    expect((await readDefinition(file, config)).spec.name).toBe('mcq');
  });

  it('readDefinition names the file and services_dir when the service has no definition', async () => {
    const read = readDefinition('ghost', config);

    await expect(read).rejects.toThrow(DefinitionNotFoundError);
    await expect(read).rejects.toThrow(`no such file ${join(dir, 'ghost.toml')}`);
    await expect(read).rejects.toThrow(`services_dir (${dir}, from ${config.file})`);
  });

  it('readDefinition names a definition path that is a directory', async () => {
    const path = join(dir, 'mcq.toml');
    await mkdir(path);

    const read = readDefinition(path, config);

    await expect(read).rejects.toThrow(DefinitionUnreadableError);
    await expect(read).rejects.toThrow(
      `failed to read service definition '${path}': ${path}: is a directory, not a file`,
    );
  });

  it('readDefinition names services_dir and the config when services_dir is a file', async () => {
    const servicesDir = join(dir, 'services');
    await writeFile(servicesDir, '');

    const read = readDefinition('mcq', { ...config, servicesDir });

    await expect(read).rejects.toThrow(
      `failed to read service definition 'mcq': ${servicesDir}: ` +
        `services_dir (from ${config.file}) is a file, not a directory`,
    );
  });

  it.each([
    ['EACCES', 'permission denied'],
    ['EPERM', 'permission denied'],
    ['EISDIR', 'is a directory, not a file'],
    ['EIO', 'EIO: i/o error, read'],
  ])('fileErrorReason says %s as %s', (code, reason) => {
    const err = Object.assign(new Error(`${code}: i/o error, read`), { code });

    expect(fileErrorReason(err)).toBe(reason);
  });

  it('readDefinition passes on a DefinitionError naming the file and line', async () => {
    const file = join(dir, 'mcq.toml');
    await writeFile(file, 'name = "mcq"\nnode = = "rift"\n');

    const read = readDefinition('mcq', config);

    await expect(read).rejects.toThrow(DefinitionError);
    await expect(read).rejects.toMatchObject({ file, line: 2 });
  });

  it('readDefinition passes on a DefinitionError naming the field path', async () => {
    const file = join(dir, 'mcq.toml');
    await writeFile(file, MCQ.replace('port = 443\n', ''));

    await expect(readDefinition('mcq', config)).rejects.toMatchObject({
      file,
      path: expect.stringContaining('components[0].routes[0]') as unknown,
    });
  });

  it('readDefinition takes the service name from the file, as variant files of operators expect', async () => {
    await writeFile(join(dir, 'mcq-public.toml'), MCQ);

    expect((await readDefinition('mcq-public', config)).spec.name).toBe('mcq');
  });
});
