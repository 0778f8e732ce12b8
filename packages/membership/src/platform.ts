// What a node says about its platform: architecture and operating system, as the fleet names them.
import { readFileSync } from 'node:fs';

/**
 * The architecture as Go names it: `x64` becomes `amd64`, `arm64` stays; any other value of
 * `process.arch` is returned unchanged. `arch` defaults to `process.arch`.
 */
export function nodeArch(arch: string = process.arch): string {
  if (arch === 'x64') return 'amd64';
  return arch;
}

/**
 * The operating system id: the `ID` field of `/etc/os-release` in lower case (`nixos`,
 * `debian`), or `linux` when the file or the field is absent. `file` is for tests.
 */
export function nodeOs(file = '/etc/os-release'): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 'linux';
  }

  const line = text.split('\n').find((l) => l.startsWith('ID='));
  const id = line
    ?.slice('ID='.length)
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  return id || 'linux';
}
