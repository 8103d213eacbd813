import { For, Match, Show, Switch, createResource, createSignal } from 'solid-js';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Exports } from './Exports.tsx';
import { GraphQLError, graphql } from './graphql.ts';

type Viewer = { email: string; isPlatformAdmin: boolean; memberships: { role: string; org: { id: string; slug: string; name: string } }[] };
type VersionQuery = { version: { version: string } };

const VIEWER = 'query PortalViewer { viewer { email isPlatformAdmin memberships { role org { id slug name } } } }';

/** The signed-in account, or null when the API says nobody is signed in. */
async function loadViewer(): Promise<Viewer | null> {
  try {
    return (await graphql<{ viewer: Viewer }>(VIEWER)).viewer;
  } catch (error) {
    if (error instanceof GraphQLError && error.code === 'UNAUTHENTICATED') return null;
    throw error;
  }
}

function SignIn(props: { onSignedIn: () => void }) {
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError('');
    try {
      await graphql('mutation PortalSignIn($email: String!, $password: String!) { signIn(email: $email, password: $password) { email } }', {
        email: String(form.get('email') ?? ''),
        password: String(form.get('password') ?? ''),
      });
      props.onSignedIn();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card sign-in" onSubmit={submit}>
      <h2>Sign in</h2>
      <label>
        Email <input name="email" type="email" autocomplete="username" required />
      </label>
      <label>
        Password <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" disabled={busy()}>
        {busy() ? 'Signing in…' : 'Sign in'}
      </button>
      <ErrorAlert message={error()} />
    </form>
  );
}

export function App() {
  const [version] = createResource(() => graphql<VersionQuery>('query PortalVersion { version { version } }'));
  const [viewer, { refetch }] = createResource(loadViewer);
  const signOut = async () => {
    await graphql('mutation PortalSignOut { signOut }');
    await refetch();
  };
  return (
    <div class="shell">
      <header>
        <h1>Org Data Export</h1>
        <span class="version" data-testid="api-version">
          <Show when={version()} fallback={version.error ? 'API unreachable' : 'connecting…'}>
            {(data) => `v${data().version.version}`}
          </Show>
        </span>
        <Show when={viewer()}>
          {(account) => (
            <span class="account">
              <span data-testid="viewer-email">{account().email}</span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </span>
          )}
        </Show>
      </header>
      <main>
        <Switch>
          <Match when={viewer.loading}>
            <p>Loading…</p>
          </Match>
          <Match when={viewer.error}>
            <p class="error">{String(viewer.error)}</p>
          </Match>
          <Match when={viewer() === null}>
            <SignIn onSignedIn={() => void refetch()} />
          </Match>
          <Match when={viewer()}>
            {(account) => (
              <>
              <section class="card">
                <h2>{account().isPlatformAdmin ? 'Platform admin' : 'Your orgs'}</h2>
                <Show when={account().memberships.length > 0} fallback={<p>You are not a member of any org yet.</p>}>
                  <ul data-testid="memberships">
                    <For each={account().memberships}>
                      {(membership) => (
                        <li>
                          {membership.org.name} <span class="role">{membership.role}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </Show>
              </section>
              <For each={account().memberships.filter((membership) => membership.role === 'ORG_ADMIN')}>{(membership) => <Exports org={membership.org} />}</For>
              </>
            )}
          </Match>
        </Switch>
      </main>
    </div>
  );
}
