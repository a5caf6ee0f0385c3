import type { Child } from "hono/jsx";
import type { Viewer } from "./env";

export type Section = "tasks" | "upcoming" | "ledger" | "runners" | "admin" | "none";

const NAV: { section: Section; href: string; label: string; admin?: boolean }[] = [
  { section: "tasks", href: "/dashboard", label: "Tasks" },
  { section: "upcoming", href: "/dashboard/upcoming", label: "Upcoming" },
  { section: "ledger", href: "/dashboard/ledger", label: "Missed & failed" },
  { section: "runners", href: "/dashboard/runners", label: "Runners" },
  { section: "admin", href: "/dashboard/admin", label: "Admin", admin: true },
];

/**
 * Every page: one stylesheet and one deferred script from /dashboard/ (Workers Static
 * Assets; no inline script or style, as the CSP requires), a skip link, the navigation,
 * and the page's heading. Every value is rendered through JSX, which escapes it.
 */
export function Layout(props: {
  title: string;
  viewer?: Viewer;
  section?: Section;
  /** A page that changes by itself (a run not finished yet): app.js reloads it every 2 s. */
  refresh?: boolean;
  /** Extra stylesheets of /dashboard/ (the timeline's). */
  styles?: string[];
  children?: Child;
}) {
  const { viewer, section = "none" } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · Tasks`}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/dashboard/app.css" />
        {props.styles?.map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        <script src="/dashboard/app.js" defer />
      </head>
      <body data-refresh={props.refresh ? "2" : undefined}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        {viewer && (
          <header class="top">
            <nav aria-label="Main">
              <ul>
                {NAV.filter((n) => !n.admin || viewer.admin).map((n) => (
                  <li>
                    <a href={n.href} aria-current={n.section === section ? "page" : undefined}>
                      {n.label}
                    </a>
                  </li>
                ))}
                <li>
                  <a href="/dashboard/sign-out" data-sign-out="">
                    Sign out
                  </a>
                </li>
              </ul>
            </nav>
            <p class="who">
              {viewer.org} · times in <span data-viewer-zone="">{viewer.zone}</span>
            </p>
          </header>
        )}
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
