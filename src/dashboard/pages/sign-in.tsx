import { Layout } from "../layout";

/** The sign-in form: an API key (or the admin token with an organization), exchanged for a JWT. */
export function SignInPage(props: { error?: string; org?: string }) {
  return (
    <Layout title="Sign in">
      <form method="post" action="/dashboard/sign-in" class="card narrow">
        {props.error && (
          <p class="error" role="alert">
            {props.error}
          </p>
        )}
        <label for="api_key">API key</label>
        <input id="api_key" name="api_key" type="password" autocomplete="off" required spellcheck={false} />
        <label for="org">Organization (only with the admin token)</label>
        <input id="org" name="org" type="text" value={props.org ?? ""} autocomplete="off" spellcheck={false} />
        <input type="hidden" name="tz" value="" data-viewer-tz="" />
        <button type="submit">Sign in</button>
      </form>
      <p class="hint">
        The key is exchanged for a short-lived token (POST /v1/auth/token), kept in an HttpOnly cookie for this dashboard only.
      </p>
    </Layout>
  );
}

/** Without JavaScript, the Sign out link lands here: one button that signs out (a POST). */
export function SignOutPage() {
  return (
    <Layout title="Sign out">
      <form method="post" action="/dashboard/sign-out" class="card narrow">
        <button type="submit">Sign out</button>
      </form>
    </Layout>
  );
}
