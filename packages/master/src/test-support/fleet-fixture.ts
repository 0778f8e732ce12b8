// What the FleetService tests share: test masters and fake agents stopped after each test, and
// the ClientError a refused call ends with.
import { ClientError } from 'nice-grpc';
import { afterEach, expect } from 'vitest';

import { FakeAgent, type FakeAgentOptions } from './fake-agent.js';
import { startTestMaster, type TestMaster, type TestMasterOptions } from './master.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A test master, closed after the test. */
export async function master(options: TestMasterOptions = {}): Promise<TestMaster> {
  const m = await startTestMaster(options);
  cleanup.push(() => m.close());
  return m;
}

/** A fake agent (compute unless `options.roles` says otherwise), stopped after the test. */
export async function agent(
  name: string,
  pools: string[] = [],
  options: Omit<FakeAgentOptions, 'name' | 'pools'> = {},
): Promise<FakeAgent> {
  const a = await FakeAgent.start({ ...options, name, pools });
  cleanup.push(() => a.stop());
  return a;
}

/** The ClientError `work` fails with; fails the test when it succeeds or throws anything else. */
export async function refusal(work: Promise<unknown>): Promise<ClientError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClientError);
  return err as ClientError;
}
