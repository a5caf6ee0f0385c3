import type { RetryPolicy } from "./task";

/**
 * Delay before retry number `attempt` (1 = first retry), in seconds.
 * fixed: delay; linear: delay × attempt; exponential_jitter: full jitter over
 * delay × 2^(attempt−1). Always capped by max_delay_seconds. `random` is injectable.
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = policy.delay_seconds;
  let delay: number;
  switch (policy.backoff) {
    case "fixed":
      delay = base;
      break;
    case "linear":
      delay = base * attempt;
      break;
    case "exponential_jitter":
      delay = Math.min(policy.max_delay_seconds, base * 2 ** (attempt - 1)) * random();
      break;
  }
  return Math.min(policy.max_delay_seconds, Math.ceil(delay));
}
