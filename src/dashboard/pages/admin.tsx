import type { components } from "../../client";
import type { Viewer } from "../env";
import { inZone } from "../format/time";
import { Layout } from "../layout";

type ApiKey = components["schemas"]["ApiKey"];
type Project = components["schemas"]["Project"];

const SCOPES = ["tasks:read", "tasks:write", "runner"] as const;

/** /dashboard/admin (admin scope): the organization's API keys (issue, list, revoke) and projects. */
export function AdminPage(props: { viewer: Viewer; keys: ApiKey[]; projects: Project[]; newKey?: string; error?: string; done?: string }) {
  const zone = props.viewer.zone;
  return (
    <Layout title="Admin" viewer={props.viewer} section="admin">
      <p>{`Organization ${props.viewer.org}.`}</p>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
      {props.done && (
        <p class="notice" role="status">
          {props.done === "revoked" ? "Key revoked." : props.done === "project" ? "Project saved." : "Project deleted."}
        </p>
      )}
      {props.newKey && (
        <div class="notice" role="status">
          <p>
            <strong>New API key — copy it now, it is not shown again:</strong>
          </p>
          <p>
            <code class="secret">{props.newKey}</code>
          </p>
        </div>
      )}
      <h2>API keys</h2>
      <form method="post" action="/dashboard/admin/keys" class="filters">
        <span class="field">
          <label for="key-name">Key name</label>
          <input id="key-name" name="name" required />
        </span>
        <fieldset class="scopes">
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label>
              <input type="checkbox" name="scopes" value={s} checked={s !== "runner"} /> {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Issue key</button>
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr>
              <th scope="row">{k.name}</th>
              <td>
                <code>{k.prefix}</code>
              </td>
              <td>{k.scopes.join(" ")}</td>
              <td>{inZone(k.created_at, zone)}</td>
              <td>{inZone(k.last_used_at, zone)}</td>
              <td>
                {k.revoked_at ? (
                  `revoked ${inZone(k.revoked_at, zone)}`
                ) : (
                  <form method="post" action={`/dashboard/admin/keys/${encodeURIComponent(k.id)}/revoke`} class="inline">
                    <button type="submit" class="danger" aria-label={`Revoke ${k.name} (${k.prefix})`}>
                      Revoke
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Projects</h2>
      <form method="post" action="/dashboard/admin/projects" class="filters">
        <span class="field">
          <label for="project-id">Project id</label>
          <input id="project-id" name="id" placeholder="production" />
        </span>
        <span class="field">
          <label for="project-name">Project name</label>
          <input id="project-name" name="name" required />
        </span>
        <span class="field">
          <label for="project-url">URL (optional)</label>
          <input id="project-url" name="url" type="url" />
        </span>
        <button type="submit">Add project</button>
      </form>
      {props.projects.length === 0 ? (
        <p class="muted">No projects.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Name</th>
              <th scope="col">URL</th>
              <th scope="col">Delete</th>
            </tr>
          </thead>
          <tbody>
            {props.projects.map((p) => (
              <tr>
                <th scope="row">{p.id}</th>
                <td>{p.name}</td>
                <td>{p.url ?? "—"}</td>
                <td>
                  <form method="post" action={`/dashboard/admin/projects/${encodeURIComponent(p.id)}/delete`} class="inline">
                    <button type="submit" class="danger" aria-label={`Delete project ${p.id}`}>
                      Delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
