// A placement result whose explanation is written on first read. Writing it is most of the cost
// of a placement (one record per node, measured at about four fifths of a batch's time), and
// most callers never read it: agents admit with their own check, and the master prints it only
// when nothing fits or for a dry run. The figures it is written from are captured when the
// decision is taken, so it reads the same whenever it is read.
import type { NodeEvaluation, PlacementResult } from '@mcp/proto';

/**
 * Adds `explanation` to a result as an enumerable property that calls `write` once, on first
 * read. Encoding, JSON, spreading and structured cloning all read it like a plain field, and
 * assigning to it replaces it as it would a plain field.
 */
export function explainedLater(
  result: Omit<PlacementResult, 'explanation'>,
  write: () => NodeEvaluation[],
): PlacementResult {
  let explanation: NodeEvaluation[] | undefined;

  return Object.defineProperty(result, 'explanation', {
    enumerable: true,
    configurable: true,
    get: () => (explanation ??= write()),
    set: (value: NodeEvaluation[]) => {
      explanation = value;
    },
  }) as PlacementResult;
}
