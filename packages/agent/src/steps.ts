import { StepStatus, type Step } from '@mcp/proto';

/** Collects the steps of one operation on one node. */
export class Steps {
  readonly list: Step[] = [];

  constructor(private readonly node: string) {}

  ok(name: string, detail: string): void {
    this.list.push({ name, status: StepStatus.STEP_STATUS_OK, detail, error: '', node: this.node });
  }

  failed(name: string, err: unknown): void {
    const error = err instanceof Error ? err.message : String(err);
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
