// Cutting an echoed value short, saying how long it was: error details, subjects of refusals and
// grpc-js's own log lines all carry values a caller chose.

/**
 * `value` cut to `max` characters (default 64), with its full length said, so what follows it in
 * a message (a field, a reason) survives a later cut when a request carries a huge bad value.
 */
export function clip(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}... (${value.length} characters)`;
}
