/** What the loaders share beside the model (src/model.ts): the tree part of a snapshot and its order. */
import type { Snapshot } from '../model.js';

/** The tree part of a snapshot, as a loader builds it. */
export type TreeShape = Pick<Snapshot, 'nodes' | 'edges'>;

/** Plain string order: snapshots list nodes by location and edges by (from, name) in it. */
export function compareLocation(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
