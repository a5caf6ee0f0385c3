// Starts the API reference on /docs (src/api/docs.ts serves the page, scalar.js is
// Scalar's standalone bundle copied by scripts/assets.mjs). Every option that would
// reach another origin is off, so the page renders offline and under a 'self'-only CSP.
window.Scalar.createApiReference("#api-reference", {
  url: "/openapi.json",
  pageTitle: "Tasks API reference",
  // Fonts come from fonts.scalar.com by default: use the system's instead.
  withDefaultFonts: false,
  // proxyUrl stays unset: "try it" calls the server below directly,
  // never through proxy.scalar.com (connect-src 'self' would refuse it anyway).
  telemetry: false,
  // The AI agent chat and the MCP button talk to Scalar's services.
  agent: { disabled: true },
  mcp: { disabled: true },
  // The developer toolbar links to Scalar's dashboard and registry, and the "Open API
  // Client" button opens client.scalar.com with this document's URL.
  showDeveloperTools: "never",
  hideClientButton: true,
  showOperationId: true,
  // "Try it" sends requests to the origin serving this page (the only one the CSP allows),
  // whichever server /openapi.json lists first.
  servers: [{ url: window.location.origin, description: "This server" }],
});
