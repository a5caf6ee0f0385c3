/**
 * The import boundaries of src/ (README "Architecture"): areas import downward only,
 *   api → services → engine → executors → db → domain
 * (dashboard/ beside api/, reaching the service only through client/, the typed /v1 client;
 * root files: index.ts and app.ts on top; env.ts and log.ts are leaves everyone may use),
 * with no runtime cycle between two files. Type-only imports do not make cycles at run
 * time, but domain imports nothing outside itself, types included.
 * Run by `npm run lint:deps` (part of `npm run lint` and .ci/run).
 */
const runtime = { dependencyTypesNot: ["type-only"] };
const layer = (name, from, forbidden, comment) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: forbidden, ...runtime },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A runtime import cycle between two files.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "domain-is-pure",
      comment: "domain/ imports nothing outside itself (npm packages aside).",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/", pathNot: "^src/domain/" },
    },
    layer(
      "db-below-services",
      "^src/db/",
      "^src/(api|services|engine|executors)/|^src/(app|index)\\.ts$",
      "db/ sits under services, engine and executors.",
    ),
    layer(
      "executors-below-engine",
      "^src/executors/",
      "^src/(api|services|engine)/|^src/(app|index)\\.ts$",
      "executors/ never reach up into the engine or services.",
    ),
    layer(
      "engine-below-services",
      "^src/engine/",
      "^src/(api|services)/|^src/(app|index)\\.ts$",
      "The engine declares ports for what it needs from above; it imports no service.",
    ),
    layer("services-below-api", "^src/services/", "^src/api/|^src/(app|index)\\.ts$", "Services know nothing about HTTP."),
    layer("faces-translate-only", "^src/api/dialects/", "^src/(db|engine|executors)/", "A dialect face imports services and domain only."),
    layer(
      "dashboard-calls-v1-only",
      "^src/dashboard/",
      "^src/(api|services|engine|executors|db)/|^src/(app|index)\\.ts$",
      "The dashboard reaches the service only through the typed /v1 client (client/) and may use domain/; app.ts hands it the app's fetch.",
    ),
    layer(
      "client-stands-alone",
      "^src/client/",
      "^src/(?!client/)",
      "client/ is the published /v1 client: its generated types and openapi-fetch, nothing else of src/.",
    ),
    layer(
      "leaves",
      "^src/(env|log)\\.ts$",
      "^src/(api|services|engine|executors|db)/",
      "env.ts and log.ts are leaves (over domain types).",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(node_modules|dist|\\.wrangler)/" },
  },
};
