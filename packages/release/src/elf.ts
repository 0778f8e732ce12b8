// Reading ELF headers: the machine of an executable and of every ELF image embedded in it.
import { readFileSync } from 'node:fs';

const MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** An ELF header found in a file. */
export interface ElfImage {
  /** Byte offset of the header in the file (0 for the file itself). */
  offset: number;
  /** `e_machine`: 62 x86-64, 183 AArch64. */
  machine: number;
  /** `e_type`: 2 executable, 3 shared object. */
  type: number;
}

/** Whether a 64-bit little-endian ELF header (ident, version and a sane type) starts at `at`. */
function headerAt(buf: Buffer, at: number): ElfImage | undefined {
  if (at + 64 > buf.length || !buf.subarray(at, at + 4).equals(MAGIC)) return undefined;
  const [cls, data, version] = [buf[at + 4], buf[at + 5], buf[at + 6]];
  if (cls !== 2 || data !== 1 || version !== 1) return undefined;
  const type = buf.readUInt16LE(at + 16);
  const machine = buf.readUInt16LE(at + 18);
  if (type < 1 || type > 4 || buf.readUInt32LE(at + 20) !== 1) return undefined;
  return { offset: at, machine, type };
}

/**
 * The file's own ELF header, then every embedded one (an SEA carries its native addon as raw
 * bytes), found by a full header check rather than the magic alone.
 */
export function elfImages(file: string): ElfImage[] {
  const buf = readFileSync(file);
  const images: ElfImage[] = [];
  for (let at = buf.indexOf(MAGIC); at >= 0; at = buf.indexOf(MAGIC, at + 1)) {
    const image = headerAt(buf, at);
    if (image) images.push(image);
  }
  return images;
}

/** The ELF machine names the tests print. */
export const MACHINE_NAMES: Record<number, string> = { 62: 'x86-64', 183: 'AArch64' };
