// The check lives in the domain so that a task is judged by the very same function when
// it is written (services) and when its run calls out (executors, notifications).
export { isPrivateTarget } from "../domain/address";

/** The run-time refusal of a private address, for the thing named (`target x`, `agent endpoint x`). */
export const refusedTarget = (what: string): string =>
  `${what} is a private or loopback address; refused (set ALLOW_PRIVATE_TARGETS=true to allow)`;
