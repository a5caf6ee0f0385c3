import { createApp } from "./app";
import { consume } from "./engine/consumer";
import { tick } from "./engine/tick";
import type { Env } from "./env";

export { TaskLock } from "./engine/lock";
export { RateLimiter } from "./engine/rate-limiter";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    // The controller's scheduledTime is "now": tests and replays can drive any clock.
    ctx.waitUntil(tick(env, controller.scheduledTime));
  },
  async queue(batch, env, _ctx) {
    await consume(batch, env);
  },
} satisfies ExportedHandler<Env>;
