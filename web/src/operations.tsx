/** The operator console's operations pages: the relay's dead letters, the platform audit log, and each subgraph's readiness. */
import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { AuditLog, type AuditFilter, type AuditPage } from './audit';
import { useAction, useQuery, useSession } from './session';
import { ActionErrors, Async, Table, formatDate, moduleLabel } from './ui';

export function DeadLetters() {
  const { call } = useSession();
  const letters = useQuery('WebDeadLetters', { first: 100 });
  const action = useAction();
  const [replayed, setReplayed] = useState<number | null>(null);
  async function replay(companyId: string, ids: string[] | null) {
    const payload = await action.run(async () => (await call('WebReplayDeadLetters', { input: { companyId, ids } })).replayDeadLetters);
    if (payload) setReplayed(payload.replayed);
    letters.reload();
  }
  return (
    <section aria-labelledby="dead-title">
      <div className="page-head">
        <h1 id="dead-title">Dead letters</h1>
        <button type="button" onClick={letters.reload}>
          Refresh
        </button>
      </div>
      <p className="lead">Events the relay gave up on after its retries. Replaying puts them back in the queue with a fresh retry budget.</p>
      {replayed !== null && (
        <p role="status" className="notice notice--ok">
          {replayed} event{replayed === 1 ? '' : 's'} put back in the queue.
        </p>
      )}
      <ActionErrors action={action} />
      <Async state={letters} what="dead letters">
        {(data) => (
          <Table
            caption={`${data.deadLetters.totalCount} dead events`}
            head={['Company', 'Module', 'Event', 'Attempts', 'Reason', 'Published', '']}
            empty="No dead events: the relay is delivering everything."
            rows={data.deadLetters.edges.map(({ node }) => [
              <Link key="company" to={`/admin/companies/${node.company.id}`}>
                {node.company.name}
              </Link>,
              moduleLabel(node.module),
              <span key="event">
                <code>{node.eventType}</code> {node.aggregate}
              </span>,
              node.attempts,
              node.reason ?? '—',
              formatDate(node.occurredAt),
              <button key="replay" type="button" onClick={() => void replay(node.company.id, [node.id])} aria-label={`Replay ${node.eventType} ${node.id}`}>
                Replay
              </button>,
            ])}
          />
        )}
      </Async>
    </section>
  );
}

export function PlatformAudit() {
  const { call } = useSession();
  const load = useCallback(
    async (filter: AuditFilter, first: number, after: string | null): Promise<AuditPage> => {
      const { platformAuditLog } = await call('WebPlatformAuditLog', { filter, first, after });
      return {
        rows: platformAuditLog.edges.map((e) => e.node),
        endCursor: platformAuditLog.pageInfo.endCursor ?? null,
        hasNextPage: platformAuditLog.pageInfo.hasNextPage,
      };
    },
    [call],
  );
  return <AuditLog title="Platform audit log" load={load} />;
}

export function ModuleStatus() {
  const status = useQuery('WebModuleStatus', {});
  return (
    <section aria-labelledby="modules-status-title">
      <div className="page-head">
        <h1 id="modules-status-title">Modules</h1>
        <button type="button" onClick={status.reload}>
          Check again
        </button>
      </div>
      <Async state={status} what="module readiness">
        {(data) => (
          <Table
            caption="Readiness of each subgraph"
            head={['Service', 'Module', 'Ready', 'Checked']}
            empty="No subgraphs."
            rows={data.moduleStatus.map((m) => [
              <code key="service">{m.service}</code>,
              m.module ? moduleLabel(m.module) : 'platform',
              m.ready ? (
                <span key="ready" className="status-ok">
                  ready
                </span>
              ) : (
                <span key="ready" className="status-bad">
                  not ready{m.detail ? `: ${m.detail}` : ''}
                </span>
              ),
              formatDate(m.checkedAt),
            ])}
          />
        )}
      </Async>
    </section>
  );
}
