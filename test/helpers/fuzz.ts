import type { Route } from "../fuzz/arbitraries";
import { cases, planCase, routeOf } from "../fuzz/arbitraries";
import type { Lane } from "../fuzz/harness";
import { fuzzBatches } from "../fuzz/harness";

/** What a fuzz file brings: its lanes and stranger (made in its beforeAll, so read when a test runs), its repair and its case counter. */
export type FuzzFile = {
  lanes: () => Lane[];
  laneCount: number;
  stranger: () => { org: string; jwt: string };
  repair: (lane: Lane) => Promise<boolean>;
  count: () => void;
};

/**
 * The file's `fuzz(routes, seed, n, path?)`: `n` generated cases over `routes` (in
 * batches of one case per lane); `path` replays a printed failure.
 */
export function fuzzer(file: FuzzFile) {
  return (routes: Route[], seed: number, n: number, path?: string) => {
    const stranger = file.stranger();
    return fuzzBatches({
      lanes: file.lanes(),
      frozen: [stranger.org],
      cases: cases(routes),
      plan: (c, lane) => planCase(c, lane, stranger),
      label: (c) => `${c.method} ${routeOf(c).path}`,
      repair: file.repair,
      seed,
      batches: Math.ceil(n / file.laneCount),
      path,
      count: file.count,
    });
  };
}
