// The burst and precision benches' own options (the shared ones — --port, --keep-state,
// --in-place, --wait-minutes — come from bench/load/config.mjs).
import { option } from "../load/config.mjs";

/** Tasks (and peer jobs) due at the one instant. */
export const N = Number(option("n", 1_000));
/** Also run the same workload on BullMQ + Redis and pg-boss + Postgres. */
export const PEERS = option("peers", false) === true;
/** Only the peers (skip our server): for working on the peer harness. */
export const PEERS_ONLY = option("peers-only", false) === true;
/** Creates in flight against our API. */
export const CREATE_CONCURRENCY = Number(option("concurrency", 64));
/** Precision bench: how many minutes the staggered due times span. */
export const MINUTES = Number(option("minutes", 3));
/** Precision bench: once/delayed tasks per minute (about 30 over 3 minutes). */
export const PER_MINUTE = Number(option("per-minute", 10));
/** Precision bench: minutely cron tasks. */
export const CRONS = Number(option("crons", 3));
/** BullMQ worker concurrency; pg-boss batch size (jobs fetched and run together per poll). */
export const PEER_CONCURRENCY = Number(option("peer-concurrency", 100));
/** pg-boss polling interval (its minimum is 0.5 s). */
export const PGBOSS_POLL_S = Number(option("pgboss-poll", 0.5));
