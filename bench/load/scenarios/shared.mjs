// What the scenarios have in common.

/** Never due: the tick never sees tasks with this schedule, so A and B load only the API. */
export const EVENT_SCHEDULE = { kind: "event", event: "bench-never-fired" };
/** One per bench run, so each scenario's organization is new even on a reused state. */
export const stamp = Date.now().toString(36);
