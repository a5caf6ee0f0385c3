/** Dialect 001: the four create bodies of the seed (shared/seeds/001), verbatim. */
export const HEALTH = {
  name: "Production Health Check",
  enabled: true,
  type: "health-check",
  projectId: "production",
  cronExpression: "*/5 * * * *",
  timezone: "UTC",
  healthCheckConfig: { checkContainers: true, checkConnectivity: true, alertOnFailure: true },
};
export const BACKUP = {
  name: "Daily Full Backup",
  enabled: true,
  type: "backup",
  projectId: "production",
  cronExpression: "0 2 * * *",
  timezone: "America/New_York",
  backupConfig: { type: "full", destination: "s3", encrypt: true },
};
export const UPDATES = {
  name: "Weekly Updates",
  enabled: true,
  type: "container-update",
  projectId: "production",
  cronExpression: "0 4 * * 0",
  timezone: "UTC",
  containerUpdateConfig: { pullImages: true, restartAfterUpdate: true },
};
export const CUSTOM = {
  name: "Database Vacuum",
  enabled: true,
  type: "custom",
  projectId: "production",
  cronExpression: "0 5 * * 0",
  timezone: "UTC",
  customConfig: { command: "docker exec production-db psql -U postgres -c 'VACUUM ANALYZE;'" },
};
