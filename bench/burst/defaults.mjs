// Imported first by bench/burst.mjs and bench/precision.mjs, before anything from
// bench/load/: load/config.mjs reads BENCH_PORT once, when it is first evaluated, and
// these benches default to 8790 so they never collide with `npm run bench` (8788) or
// `npm start` (8787). An explicit --port or BENCH_PORT still wins.
process.env.BENCH_PORT ??= "8790";
