import { Link, useParams } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { Program } from '../../api/programs';
import { formatDate } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/query-view';
import { BacktestPanel } from './backtest-panel';
import { DraftEditor } from './draft-editor';
import { useDraft } from './use-draft';
import { useProgram } from './use-program';
import { VersionDiffPanel } from './version-diff';
import { VersionList } from './version-list';

/** `/console/programs/$programId`: versions, a draft, its backtest and publishing. */
export function ProgramPage(): ReactNode {
  const { programId } = useParams({ from: '/console/programs/$programId' });
  const program = useProgram(programId);
  return (
    <>
      <p className="console-breadcrumb">
        <Link to="/console/programs">Programs</Link>
      </p>
      <QueryView query={program} loading="Loading the program…">
        {(p) => <ProgramBody program={p} />}
      </QueryView>
    </>
  );
}

function ProgramBody({ program }: { program: Program }) {
  const current = program.versions.find((v) => v.number === program.current_version);
  const draft = useDraft(program);
  return (
    <>
      <PageHeader
        title={program.name}
        lead={
          <>
            <span className="mono">{program.key}</span> ·{' '}
            {current
              ? `version ${current.number} in force since ${formatDate(current.effective_from)}`
              : 'no version in force'}
            {program.upcoming_versions.length
              ? ` · version ${program.upcoming_versions.join(', ')} coming`
              : ''}
          </>
        }
      />
      <VersionList program={program} onUseAsDraft={draft.load} />
      <VersionDiffPanel program={program} />
      <DraftEditor program={program} draft={draft} />
      <BacktestPanel program={program} draft={draft} />
    </>
  );
}
