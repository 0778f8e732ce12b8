// postject ships no types; this is the one function the build calls (dist/api.js).
declare module 'postject' {
  /** Injects `data` as resource `name` into the executable `file`, in place. */
  export function inject(
    file: string,
    name: string,
    data: Buffer,
    options?: { sentinelFuse?: string; overwrite?: boolean },
  ): Promise<void>;
}
