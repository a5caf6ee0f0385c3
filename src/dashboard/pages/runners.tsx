import type { components } from "../../client";
import type { Viewer } from "../env";
import { inZone, relative } from "../format/time";
import { Layout } from "../layout";

type RunnerSeen = components["schemas"]["RunnerSeen"];

/** /dashboard/runners: the runners seen (GET /v1/runners), their labels, last claim or heartbeat and runs in flight. */
export function RunnersPage(props: { viewer: Viewer; runners: RunnerSeen[]; now: number }) {
  return (
    <Layout title="Runners" viewer={props.viewer} section="runners">
      {props.runners.length === 0 ? (
        <p class="empty">
          No runner has asked for work yet. Start one with <code>npm run runner</code> (README, "Runners").
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Runner</th>
              <th scope="col">Labels</th>
              <th scope="col">Task types</th>
              <th scope="col">Last heard from</th>
              <th scope="col">Runs in flight</th>
            </tr>
          </thead>
          <tbody>
            {props.runners.map((r) => (
              <tr>
                <th scope="row">{r.id}</th>
                <td>
                  {Object.entries(r.labels).length === 0
                    ? "—"
                    : Object.entries(r.labels)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(", ")}
                </td>
                <td>{r.types.join(", ") || "—"}</td>
                <td>
                  <span class="when">
                    <time datetime={r.last_seen_at}>{relative(r.last_seen_at, props.now)}</time>
                    <small>{inZone(r.last_seen_at, props.viewer.zone)}</small>
                  </span>
                </td>
                <td>{r.runs_in_flight}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
