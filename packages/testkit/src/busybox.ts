import { copyFile, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { ToolMissingError } from './errors.js';
import { run } from './exec.js';

/** Where Debian's busybox-static installs its binary. */
export const BUSYBOX = '/bin/busybox';

const PT_INTERP = 3;

/**
 * Fills `binDir` with the busybox binary and one symlink per applet, as `busybox --install -s`
 * would inside the image, but without running anything in a container.
 */
export async function writeBusyboxTree(binDir: string): Promise<void> {
  await assertStatic(BUSYBOX);
  const applets = (await run(BUSYBOX, ['--list'])).split('\n').filter((a) => /^[\w.[-]+$/.test(a));

  await mkdir(binDir, { recursive: true });
  await copyFile(BUSYBOX, join(binDir, 'busybox'));
  for (const applet of applets) {
    if (applet !== 'busybox') await symlink('busybox', join(binDir, applet));
  }
}

/**
 * An image FROM scratch has no dynamic loader: a busybox that needs one (Debian's `busybox`
 * package rather than `busybox-static`) would fail in the container with a baffling
 * "no such file". Reads the ELF program headers and refuses one with an interpreter.
 */
async function assertStatic(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(64);
    await file.read(header, 0, 64, 0);
    // Only 64-bit little-endian ELF (amd64, arm64) is read; anything else is left to Podman.
    if (header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) return;
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);

    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i++) {
      if (table.readUInt32LE(i * phentsize) === PT_INTERP) {
        throw new ToolMissingError('test image build', [
          { tool: `${path} (statically linked)`, debianPackage: 'busybox-static' },
        ]);
      }
    }
  } finally {
    await file.close();
  }
}
