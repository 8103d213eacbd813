// One org's exports for its ORG_ADMIN: the button, the history with live status and progress
// (server-sent events from exportStatusChanged), and downloads through fresh short-lived URLs.
import { For, Show, createResource, createSignal, onCleanup } from 'solid-js';
import { ErrorAlert } from './ErrorAlert.tsx';
import { graphql } from './graphql.ts';

type Org = { id: string; slug: string; name: string };

type ExportRow = {
  id: string;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED';
  trigger: string;
  createdAt: string;
  finishedAt: string | null;
  compressedBytes: number | null;
  sha256: string | null;
  progress: { done: number; expected: number | null };
  error: { code: string; message: string } | null;
};

type OrgExports = {
  enabled: boolean;
  storageVerified: boolean;
  exports: ExportRow[];
};

const ROW = 'id status trigger createdAt finishedAt compressedBytes sha256 progress { done expected } error { code message }';
const ACTIVE = ['PENDING', 'RUNNING'];

async function loadOrgExports(orgId: string): Promise<OrgExports> {
  const { org } = await graphql<{ org: { modules: { module: string; enabled: boolean }[]; storage: { verifiedAt: string | null } | null } }>(
    'query PortalOrgExportState($id: ID!) { org(id: $id) { modules { module enabled } storage { verifiedAt } } }',
    { id: orgId },
  );
  const enabled = org.modules.some((module) => module.module === 'DATA_EXPORT' && module.enabled);
  if (!enabled) return { enabled, storageVerified: false, exports: [] };
  const { exportHistory } = await graphql<{ exportHistory: { edges: { node: ExportRow }[] } }>(
    `query PortalExportHistory($orgId: ID!) { exportHistory(orgId: $orgId, first: 10) { edges { node { ${ROW} } } } }`,
    { orgId },
  );
  return { enabled, storageVerified: Boolean(org.storage?.verifiedAt), exports: exportHistory.edges.map((edge) => edge.node) };
}

function size(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function progress(row: ExportRow): string {
  if (row.status !== 'RUNNING') return '';
  if (!row.progress.expected) return 'starting…';
  return `${Math.floor((100 * row.progress.done) / row.progress.expected)}% (${row.progress.done.toLocaleString()} of ${row.progress.expected.toLocaleString()} rows)`;
}

/** Listens to the org's status changes over server-sent events while the card is shown. */
function listen(orgId: string, onChange: (row: Pick<ExportRow, 'id' | 'status' | 'progress'>) => void): void {
  const query = 'subscription PortalExportStatus($orgId: ID!) { exportStatusChanged(orgId: $orgId) { id status progress { done expected } } }';
  const source = new EventSource(`/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ orgId }))}`, { withCredentials: true });
  const handle = (event: MessageEvent<string>) => {
    const row = (JSON.parse(event.data) as { data?: { exportStatusChanged?: Pick<ExportRow, 'id' | 'status' | 'progress'> } }).data?.exportStatusChanged;
    if (row) onChange(row);
  };
  source.addEventListener('next', handle);
  source.addEventListener('message', handle);
  onCleanup(() => source.close());
}

export function Exports(props: { org: Org }) {
  const [state, { refetch, mutate }] = createResource(() => props.org.id, loadOrgExports);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);

  listen(props.org.id, (change) => {
    const current = state();
    if (!current) return;
    const known = current.exports.some((row) => row.id === change.id);
    // An end state brings sizes and checksums; a new export may come from a schedule or a script.
    if (!known || !ACTIVE.includes(change.status)) return void refetch();
    mutate({ ...current, exports: current.exports.map((row) => (row.id === change.id ? { ...row, status: change.status, progress: change.progress } : row)) });
  });

  const act = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await work();
      await refetch();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const trigger = () => act(() => graphql('mutation PortalTriggerExport($orgId: ID!) { triggerExport(orgId: $orgId) { id } }', { orgId: props.org.id }));
  const cancel = (id: string) => act(() => graphql('mutation PortalCancelExport($id: ID!) { cancelExport(exportId: $id) { id } }', { id }));
  const download = (id: string) =>
    act(async () => {
      const { downloadUrl } = await graphql<{ downloadUrl: { url: string; fileName: string } }>('query PortalDownloadUrl($id: ID!) { downloadUrl(exportId: $id) { url fileName } }', { id });
      const link = document.createElement('a');
      link.href = downloadUrl.url;
      link.download = downloadUrl.fileName;
      link.click();
    });

  return (
    <section class="card exports" data-testid={`exports-${props.org.slug}`}>
      <h2>Exports of {props.org.name}</h2>
      <Show when={state()} fallback={<p>{state.error ? String(state.error.message ?? state.error) : 'Loading…'}</p>}>
        {(loaded) => (
          <Show when={loaded().enabled} fallback={<p data-testid="module-off">The Data Export module is off for {props.org.name}. A platform admin can turn it on.</p>}>
            <Show when={!loaded().storageVerified}>
              <p class="warning">Storage is not verified yet: configure it and test the connection before the first export.</p>
            </Show>
            <button type="button" disabled={busy() || loaded().exports.some((row) => ACTIVE.includes(row.status))} onClick={trigger}>
              Export now
            </button>
            <ErrorAlert message={error()} />
            <Show when={loaded().exports.length > 0} fallback={<p>No exports yet.</p>}>
              <table>
                <thead>
                  <tr>
                    <th>Started</th>
                    <th>Status</th>
                    <th>Size</th>
                    <th>SHA-256</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  <For each={loaded().exports}>
                    {(row) => (
                      <tr data-testid="export-row" data-export-id={row.id}>
                        <td>{new Date(row.createdAt).toLocaleString()}</td>
                        <td>
                          <span class={`status status-${row.status.toLowerCase()}`} data-testid="export-status">
                            {row.status}
                          </span>{' '}
                          <span data-testid="export-progress">{progress(row)}</span>
                          <Show when={row.error}>{(failure) => <span class="error"> {failure().message}</span>}</Show>
                        </td>
                        <td>{size(row.compressedBytes)}</td>
                        <td class="sha" title={row.sha256 ?? ''} data-testid="export-sha256">
                          {row.sha256 ?? ''}
                        </td>
                        <td>
                          <Show when={row.status === 'COMPLETED'}>
                            <button type="button" disabled={busy()} onClick={() => void download(row.id)}>
                              Download
                            </button>
                          </Show>
                          <Show when={ACTIVE.includes(row.status)}>
                            <button type="button" disabled={busy()} onClick={() => void cancel(row.id)}>
                              Cancel
                            </button>
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </Show>
        )}
      </Show>
    </section>
  );
}
