import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServiceSpec } from '@mcp/proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { resolveVolume, resolveVolumes, VolumePathError } from './volumes.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mcp-vol-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('resolveVolume', () => {
  it('maps /srv/<service> to the configured root and creates the directory', () => {
    const bind = resolveVolume('web', '/srv/web/data:/data:ro', join(root, 'srv'));
    expect(bind).toBe(`${join(root, 'srv/web/data')}:/data:ro`);
    expect(existsSync(join(root, 'srv/web/data'))).toBe(true);
  });

  it.each([
    [
      'a relative escape',
      '/srv/web/../../etc:/etc',
      /host path '\/srv\/web\/\.\.\/\.\.\/etc' leaves \/srv\/web/,
    ],
    ['a relative host path', '../../etc:/etc', /host path '\.\.\/\.\.\/etc' is outside \/srv\/web/],
    ['another service', '/srv/other:/data', /is outside \/srv\/web/],
    ['a prefix of the service name', '/srv/webby:/data', /is outside \/srv\/web/],
    [
      'an absolute host path outside the root',
      '/etc:/etc',
      /host path '\/etc' is outside \/srv\/web/,
    ],
  ])('refuses %s, naming the field', (_what, volume, why) => {
    const call = () => resolveVolume('web', volume, join(root, 'srv'), 'components[0].volumes[0]');
    expect(call).toThrow(VolumePathError);
    expect(call).toThrow(why);
    expect(call).toThrow(/of service 'web': components\[0\]\.volumes\[0\]: host path/);
  });

  it('refuses a symbolic link that points outside the service directory, creating nothing', () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'srv/web'), { recursive: true });
    symlinkSync(outside, join(root, 'srv/web/link'));
    expect(() => resolveVolume('web', '/srv/web/link/sub:/data', join(root, 'srv'))).toThrow(
      /resolves outside \/srv\/web/,
    );
    expect(() => resolveVolume('web', '/srv/web/link:/data', join(root, 'srv'))).toThrow(
      /resolves outside \/srv\/web/,
    );
    expect(existsSync(join(outside, 'sub'))).toBe(false);
  });

  it('names the field before a long volume, whose text is clipped', () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'srv/web'), { recursive: true });
    symlinkSync(outside, join(root, 'srv/web/link'));
    const long = `/srv/web/link/${'a'.repeat(200)}/${'b'.repeat(2_000)}:/data`;

    const call = () => resolveVolume('web', long, join(root, 'srv'), 'components[0].volumes[0]');

    expect(call).toThrow(
      /^failed to mount volume '\/srv\/web\/link\/a+\.\.\. \(2221 characters\)'/,
    );
    expect(call).toThrow(/of service 'web': components\[0\]\.volumes\[0\]: host path/);
  });

  it('refuses a dangling symbolic link, which could point anywhere later', () => {
    mkdirSync(join(root, 'srv/web'), { recursive: true });
    symlinkSync(join(root, 'not-yet'), join(root, 'srv/web/link'));
    expect(() => resolveVolume('web', '/srv/web/link/sub:/data', join(root, 'srv'))).toThrow(
      /resolves outside \/srv\/web/,
    );
    expect(existsSync(join(root, 'not-yet'))).toBe(false);
  });

  it("refuses a service directory that is itself a link to another service's", () => {
    mkdirSync(join(root, 'srv/other'), { recursive: true });
    symlinkSync(join(root, 'srv/other'), join(root, 'srv/web'));
    expect(() => resolveVolume('web', '/srv/web/data:/data', join(root, 'srv'))).toThrow(
      /resolves outside \/srv\/web/,
    );
    expect(existsSync(join(root, 'srv/other/data'))).toBe(false);
  });

  it('follows a srv_root that is itself a symbolic link', () => {
    mkdirSync(join(root, 'real-srv'));
    symlinkSync(join(root, 'real-srv'), join(root, 'srv'));
    expect(resolveVolume('web', '/srv/web:/data', join(root, 'srv'))).toBe(
      `${join(root, 'real-srv/web')}:/data`,
    );
  });
});

describe('resolveVolumes', () => {
  it('checks every volume before creating any host directory', () => {
    const spec = ServiceSpec.fromPartial({
      name: 'web',
      components: [
        { name: 'a', volumes: ['/srv/web/a:/a'] },
        { name: 'b', volumes: ['/srv/web/b:/b', '/etc:/etc'] },
      ],
    });

    expect(() => resolveVolumes(spec, join(root, 'srv'))).toThrow(
      /components\[1\]\.volumes\[1\]: host path '\/etc' is outside \/srv\/web/,
    );
    expect(existsSync(join(root, 'srv/web/a'))).toBe(false);
  });

  it('answers the binds of each component in order', () => {
    const spec = ServiceSpec.fromPartial({
      name: 'web',
      components: [{ name: 'a', volumes: ['/srv/web/a:/a', '/srv/web:/all:ro'] }, { name: 'b' }],
    });

    expect(resolveVolumes(spec, join(root, 'srv'))).toEqual([
      [`${join(root, 'srv/web/a')}:/a`, `${join(root, 'srv/web')}:/all:ro`],
      [],
    ]);
  });
});
