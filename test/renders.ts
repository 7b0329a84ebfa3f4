/** Renders of the sample pair, shared by the test files (each render forks the real program). */
import { DrPhase } from "../model/config";
import { renderPair } from "../plan/render";
import { StackName, StackRender } from "../plan/types";

export type Pair = Record<StackName, StackRender>;
export const PHASES: readonly DrPhase[] = ["normal", "failover", "failback"];

const cache = new Map<DrPhase, Promise<Pair>>();

/** The sample pair rendered in `phase`, rendered once per test run. */
export function pairFor(phase: DrPhase): Promise<Pair> {
  let pair = cache.get(phase);
  if (pair === undefined) {
    pair = renderPair({ phase });
    cache.set(phase, pair);
  }
  return pair;
}
