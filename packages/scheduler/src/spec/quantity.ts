// Resource quantities as operators write them: CPU in cores or millicores, sizes with
// binary (Ki, Mi, Gi, Ti) or decimal (k, M, G, T) suffixes.

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** Largest CPU request, in millicores: a million cores, far beyond any node. */
export const MAX_CPU_MILLIS = 1_000_000_000;

/** Largest memory or disk request, in bytes: what a number holds exactly (8 PiB). */
export const MAX_SIZE_BYTES = Number.MAX_SAFE_INTEGER;

/** The forms a CPU request takes, for messages. */
export const CPU_FORMS = 'cores as a number (2, 0.5) or a string ("0.5", "250m")';

/** The forms a memory or disk request takes, for messages. */
export const SIZE_FORMS = 'bytes as a number, or a string with a unit ("256Mi", "1G")';

/** Parses `"250m"`, `"0.5"` or `2` into millicores; undefined when it is not a quantity. */
export function parseCpu(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? Math.round(value * 1000) : undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Math.round(m[2] === 'm' ? n : n * 1000);
}

/** Parses `"256Mi"`, `"1G"` or a number of bytes; undefined when it is not a quantity. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? Math.round(value) : undefined;
  const m = /^(\d+(?:\.\d+)?)([kMGT]i?|Ki)?$/.exec(value.trim());
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2] ?? ''];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** Formats bytes the way operators write them: `512Mi`, `1.5Gi`, `300B`. */
export function formatSize(bytes: number): string {
  for (const unit of ['Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const size = SIZE_UNITS[unit] ?? 1;
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))}${unit}`;
  }
  return `${bytes}B`;
}

/** Formats millicores: `250m`, `2` (cores). */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`;
}
