import { StepStatus, type Step } from '@mcp/proto';
import type { Logger } from 'pino';

/** Collects the steps of one operation on one node; a failed step is logged as it happens. */
export class Steps {
  readonly list: Step[] = [];

  /** `log` is bound to the operation's ids (`service`). */
  constructor(
    private readonly node: string,
    private readonly log: Logger,
  ) {}

  ok(name: string, detail: string): void {
    this.list.push({ name, status: StepStatus.STEP_STATUS_OK, detail, error: '', node: this.node });
  }

  failed(name: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
    this.log.warn({ step: name, err }, 'step failed');
    this.list.push({
      name,
      status: StepStatus.STEP_STATUS_FAILED,
      detail: '',
      error,
      node: this.node,
    });
  }

  get hasFailed(): boolean {
    return this.list.some((s) => s.status === StepStatus.STEP_STATUS_FAILED);
  }
}
