#!/usr/bin/env node
// API speed bench (issue 12, part 6): `npm run bench:api`.
//
// How fast the API answers next to the platform's own floor: the service's
// unauthenticated GET /healthz, measured by the same client against the same
// `wrangler dev` (`node scripts/start.mjs`, its own port and temporary state), at a
// fixed number of connections. Targets: authenticated GET /v1/tasks?limit=10 at
// least 0.5x healthz's req/s with p99 <= 100 ms; POST /v1/tasks at least 0.3x.
//
// Options: --port 8789 --connections 10 --seconds 15 --warmup 2 --seed 200 --in-place
// (the port can also come from BENCH_PORT). Writes bench/results/api-<date>.json and
// bench/results/api.md; exits 1 when a target is missed or a request failed.
//
// The shared parts (server, client, stats, machine) live in bench/load/; config.mjs
// reads the port when first imported, so this bench's default is set before that.
if (!process.argv.some((a) => a === "--port" || a.startsWith("--port="))) process.env.BENCH_PORT ??= "8789";
const { main } = await import("./api/run.mjs");
await main();
