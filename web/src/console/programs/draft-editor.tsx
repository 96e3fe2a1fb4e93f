import { useId } from 'react';
import type { Program } from '../../api/programs';
import { Field } from '../../ui/field';
import { Section } from '../../ui/section';
import { ErrorNotice } from '../../ui/states';
import { useOperator } from '../use-operator';
import { PublishForm } from './publish-form';
import type { Draft, Validation } from './use-draft';

/**
 * The draft of the next version: a textarea for YAML or JSON, checked by the
 * server as one types, every problem listed by its path beside the editor.
 */
export function DraftEditor({ program, draft }: { program: Program; draft: Draft }) {
  const id = useId();
  const { may } = useOperator();
  const v = draft.validation;
  const invalid = v.state === 'invalid' || v.state === 'unreadable';
  return (
    <Section
      title="Draft a new version"
      actions={
        <button type="button" className="small" onClick={() => draft.discard()}>
          Start over from the latest version
        </button>
      }
    >
      <p className="muted small">
        The draft is kept in this browser until you publish it. Terms are explained in the
        documentation (docs/programs.md and docs/writing-terms.md); amounts are quoted strings such
        as "10.00".
      </p>
      <div className="console-editor">
        <Field
          label="Draft terms (YAML or JSON)"
          className="console-editor-text"
          invalid={invalid}
          describedBy={`${id}-check`}
        >
          {(control) => (
            <textarea
              {...control}
              className="console-code"
              rows={24}
              wrap="off"
              spellCheck={false}
              value={draft.text}
              onChange={(e) => draft.setText(e.target.value)}
            />
          )}
        </Field>
        <div id={`${id}-check`} className="console-editor-check" aria-live="polite">
          <h3>Check</h3>
          <ValidationView validation={v} />
        </div>
      </div>
      {may('programs:write') ? (
        <PublishForm program={program} draft={draft} />
      ) : (
        <p className="muted">Your role can check and backtest a draft but not publish it.</p>
      )}
    </Section>
  );
}

function ValidationView({ validation: v }: { validation: Validation }) {
  switch (v.state) {
    case 'waiting':
      return <p className="muted">Checking the draft…</p>;
    case 'valid':
      return <p className="console-valid">These terms are valid.</p>;
    case 'unreadable':
      return <p className="field-error">{v.message}</p>;
    case 'failed':
      return <ErrorNotice error={v.error} />;
    case 'invalid':
      return (
        <>
          <p className="field-error">
            {v.issues.length === 1 ? '1 problem' : `${v.issues.length} problems`} to fix:
          </p>
          <ul className="console-issues">
            {v.issues.map((i) => (
              <li key={`${i.path}: ${i.message}`}>
                <code>{i.path}</code> {i.message}
              </li>
            ))}
          </ul>
        </>
      );
  }
}
