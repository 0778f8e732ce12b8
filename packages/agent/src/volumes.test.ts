import { mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { resolveVolume, VolumePathError } from './volumes.js';

describe('resolveVolume', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mcp-vol-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('maps /srv/<service> to the configured root and creates the directory', () => {
    const bind = resolveVolume('web', '/srv/web/data:/data:ro', join(root, 'srv'));
    expect(bind).toBe(`${join(root, 'srv/web/data')}:/data:ro`);
    expect(existsSync(join(root, 'srv/web/data'))).toBe(true);
  });

  it.each([
    ['a relative escape', '/srv/web/../../etc:/etc'],
    ['another service', '/srv/other:/data'],
    ['an absolute host path outside the root', '/etc:/etc'],
  ])('refuses %s', (_what, volume) => {
    expect(() => resolveVolume('web', volume, join(root, 'srv'))).toThrow(VolumePathError);
  });

  it('refuses a symbolic link that points outside the service directory, creating nothing', () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'srv/web'), { recursive: true });
    symlinkSync(outside, join(root, 'srv/web/link'));
    expect(() => resolveVolume('web', '/srv/web/link/sub:/data', join(root, 'srv'))).toThrow(
      /resolves outside \/srv\/web/,
    );
    expect(existsSync(join(outside, 'sub'))).toBe(false);
  });
});
