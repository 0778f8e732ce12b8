// Measures what a node has and what it has free: CPU, memory and disk. Read at every
// registration and heartbeat, so each read is cheap (no sampling window, no child process).
import { readFileSync, statfsSync } from 'node:fs';
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';

import type { Resources } from '@mcp/proto';

/** Options of `measureNode`. */
export interface MeasureOptions {
  /** A path on the filesystem whose size is the node's disk (the agent's state directory). */
  diskPath: string;
  /**
   * Capacity to report instead of the measured one, per field set; free is then scaled to it
   * (see `measureNode`). Default none: report what was measured.
   */
  capacityOverride?: Partial<Resources>;
}

/** A node's resources now. */
export interface NodeMeasure {
  capacity: Resources;
  free: Resources;
}

/**
 * Measures the node: CPU in millicores (cores × 1000; free is capacity less the 1-minute load
 * average, never below 0), memory in bytes (total; free is `MemAvailable` from `/proc/meminfo`
 * when present, else `os.freemem()`), disk in bytes (`statfs` of `diskPath`: blocks × bsize;
 * free is bavail × bsize, what an unprivileged writer can use).
 *
 * A field of `capacityOverride` replaces the measured capacity, and free is scaled by the same
 * factor so the node keeps its measured share free, clamped to `[0, override]`.
 * Throws when `diskPath` cannot be read.
 */
export function measureNode(options: MeasureOptions): NodeMeasure {
  const cores = availableParallelism();
  const disk = statfsSync(options.diskPath);
  const measured: NodeMeasure = {
    capacity: {
      cpuMillis: cores * 1000,
      memoryBytes: totalmem(),
      diskBytes: disk.blocks * disk.bsize,
    },
    free: {
      cpuMillis: Math.max(0, Math.round((cores - (loadavg()[0] ?? 0)) * 1000)),
      memoryBytes: memAvailable() ?? freemem(),
      diskBytes: disk.bavail * disk.bsize,
    },
  };

  return applyOverride(measured, options.capacityOverride ?? {});
}

/** Replaces capacity field by field and scales free with it. */
function applyOverride(measured: NodeMeasure, override: Partial<Resources>): NodeMeasure {
  const out: NodeMeasure = { capacity: { ...measured.capacity }, free: { ...measured.free } };

  for (const field of ['cpuMillis', 'memoryBytes', 'diskBytes'] as const) {
    const wanted = override[field];
    if (wanted === undefined) continue;
    const share =
      measured.capacity[field] > 0 ? measured.free[field] / measured.capacity[field] : 1;
    out.capacity[field] = wanted;
    out.free[field] = Math.min(wanted, Math.max(0, Math.round(wanted * share)));
  }
  return out;
}

/** `MemAvailable` in bytes, or undefined off Linux or on kernels older than 3.14. */
function memAvailable(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    return undefined;
  }

  const m = /^MemAvailable:\s+(\d+)\s*kB$/m.exec(text);
  return m?.[1] === undefined ? undefined : Number(m[1]) * 1024;
}
