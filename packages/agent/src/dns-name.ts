// DNS names as this agent accepts them: the scheduler's DNS label rule for each label.
import { DNS_LABEL } from '@mcp/scheduler';

/** Whether `name` is a lower-case DNS name of at most 253 characters (no trailing dot). */
export function isDnsName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => DNS_LABEL.test(l));
}
