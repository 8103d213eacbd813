import { Show, createResource } from 'solid-js';
import { graphql } from './graphql.ts';

type VersionQuery = { version: { version: string } };

export function App() {
  const [version] = createResource(() => graphql<VersionQuery>('query PortalVersion { version { version } }'));
  return (
    <div class="shell">
      <header>
        <h1>Org Data Export</h1>
        <span class="version" data-testid="api-version">
          <Show when={version()} fallback={version.error ? 'API unreachable' : 'connecting…'}>
            {(data) => `v${data().version.version}`}
          </Show>
        </span>
      </header>
      <main>
        <p>Export every row of your org as one gzipped JSON Lines file in your own bucket.</p>
      </main>
    </div>
  );
}
