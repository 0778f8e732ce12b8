// One lock for the edge's routes: concurrent RPCs and the re-sync take turns, so each reads the
// state the previous one left.

/** Runs tasks one at a time, in the order they asked. */
export class Lock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
