// `npm start -- --no-inspector`: the same local runtime as `wrangler dev` (the Worker
// from wrangler.toml with its custom build, local D1/Queues/R2/Durable Objects, the
// Worker's log lines on stdout), started through wrangler's API with the DevTools
// inspector turned off. `wrangler dev` always attaches its inspector proxy, which posts
// every logged line and four events per subrequest (D1, Durable Objects, outbound
// fetch) to the dev server over a connection that stays open; a burst of 10,000 runs
// exhausts the runtime's 20,000 file descriptors that way. The benches start the
// service like this; a deployed Worker has no such proxy. No hotkeys, no reload on edit.
//
// Arguments (as wrangler dev's): --port N --ip HOST --persist-to DIR --var KEY:VALUE ...
// --test-scheduled is always on (the ticker in start.mjs needs /__scheduled).
import { unstable_startWorker } from "wrangler";

const argv = process.argv.slice(2);
const vars = {};
let port = 8787;
let hostname = "127.0.0.1";
let persist;
for (let i = 0; i < argv.length; i++) {
  const [flag, inline] = argv[i].split(/=(.*)/s);
  const value = () => inline ?? argv[++i];
  if (flag === "--port") port = Number(value());
  else if (flag === "--ip") hostname = value();
  else if (flag === "--persist-to") persist = value();
  else if (flag === "--var") {
    const [k, ...v] = value().split(":");
    vars[k] = { type: "plain_text", value: v.join(":") };
  } else if (flag === "--local" || flag === "--test-scheduled") continue;
  else {
    console.error(`[dev] --no-inspector does not take ${flag}; it takes --port, --ip, --persist-to and --var`);
    process.exit(2);
  }
}

const worker = await unstable_startWorker({
  config: "wrangler.toml",
  bindings: vars,
  dev: { inspector: false, server: { port, hostname }, persist, testScheduled: true, watch: false, liveReload: false },
});
await worker.ready;
console.log(`[dev] ready on http://${hostname}:${port} (no inspector)`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
