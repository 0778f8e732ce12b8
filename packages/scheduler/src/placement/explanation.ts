// A placement result whose explanation is written on first read. Writing it is most of the cost
// of a placement (one record per node; see the benchmark in the README), and most callers never
// read it: agents admit with their own check, and a batch wants the choices. The figures it is
// written from are those of the decision, so it reads the same whenever it is read; until then
// the result keeps the indexed fleet alive.
import type { NodeEvaluation, PlacementResult } from '@mcp/proto';

/** Where a result keeps its explanation, or the function that writes it until it is read. */
const STATE = Symbol('explanation');

type Stateful = Record<typeof STATE, NodeEvaluation[] | (() => NodeEvaluation[])>;

/**
 * One getter and setter for every result, reading the result's own hidden slot. A getter made
 * per result would give each result its own hidden class in V8, and the class transitions left
 * behind keep every result's fleet alive through young-generation collections; a WeakMap of
 * states does much the same. Both were measured: the heap grew by a fleet per collection.
 */
const EXPLANATION: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Stateful): NodeEvaluation[] {
    const state = this[STATE];
    if (typeof state !== 'function') return state;

    // A frozen result cannot keep it, and writes it again on the next read.
    const explanation = state();
    Reflect.set(this, STATE, explanation);
    return explanation;
  },
  set(this: Stateful, value: NodeEvaluation[]): void {
    this[STATE] = value;
  },
};

/**
 * Adds `explanation` to a result as an enumerable property that calls `write` once, on first
 * read. Encoding, JSON, spreading and structured cloning all read it like a plain field, and
 * assigning to it replaces it as it would a plain field. The slot behind it is a symbol that is
 * not enumerable, so none of them see it.
 */
export function explainedLater(
  result: Omit<PlacementResult, 'explanation'>,
  write: () => NodeEvaluation[],
): PlacementResult {
  Object.defineProperty(result, STATE, { value: write, writable: true });
  return Object.defineProperty(result, 'explanation', EXPLANATION) as PlacementResult;
}
