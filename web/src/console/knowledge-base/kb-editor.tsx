import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBlocker, useNavigate } from '@tanstack/react-router';
import { useDeferredValue, useEffect, useId, useRef, useState } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { KbConflict, KbPage, KbRevision } from '../../api/knowledge-base';
import { messageOf } from '../../api/messages';
import { Field } from '../../ui/field';
import { MarkdownArticle } from '../../ui/markdown-article';
import { Notice } from '../../ui/notice';
import { KbConflictNotice } from './kb-conflict-notice';
import {
  byteLength,
  emptyForm,
  fieldErrorsOf,
  formOf,
  KB_BODY_MAX_BYTES,
  type KbForm,
  type KbFormErrors,
  requestOf,
  sameForm,
  slugify,
  validate,
} from './kb-form';
import { KbRevisions } from './kb-revisions';
import { KbScroll } from './kb-scroll';

const kb = (n: number) => `${(n / 1024).toFixed(n < 10_240 ? 1 : 0)} KB`;

/**
 * Writes a page: its fields, the Markdown with a live preview, and saving
 * with the version it was based on. When someone else saved first the
 * server refuses (409 kb_page_conflict) and the editor says who and when and
 * lets the writer choose; nothing typed is lost. For an existing page, its
 * history follows, and an older text can be copied back into the editor.
 */
export function KbEditor({ page }: { page?: KbPage }) {
  const id = useId();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [base, setBase] = useState<KbPage | undefined>(page);
  const [saved, setSaved] = useState<KbForm>(page ? formOf(page) : emptyForm);
  const [form, setForm] = useState<KbForm>(saved);
  const [slugTouched, setSlugTouched] = useState(page !== undefined);
  const [checked, setChecked] = useState(false);
  const [serverErrors, setServerErrors] = useState<KbFormErrors>({});
  const [conflict, setConflict] = useState<KbConflict | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const preview = useDeferredValue(form.body);

  const dirty = !sameForm(form, saved);
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  useBlocker({
    shouldBlockFn: () =>
      dirtyRef.current && !window.confirm('Leave this page? Your changes to it are not saved yet.'),
    enableBeforeUnload: () => dirtyRef.current,
  });

  const errors: KbFormErrors = { ...(checked ? validate(form) : {}), ...serverErrors };
  const bytes = byteLength(form.body);

  const save = useMutation({
    mutationFn: ({ values, version }: { values: KbForm; version: number | undefined }) =>
      base === undefined || version === undefined
        ? call<KbPage>(
            api.POST('/v1/kb', {
              body: {
                ...requestOf(values),
                title: values.title.trim(),
                slug: values.slug,
                audience: values.audience,
              },
            }),
          )
        : call<KbPage>(
            api.PUT('/v1/kb/{slug}', {
              params: { path: { slug: base.slug } },
              body: { ...requestOf(values, saved), version },
            }),
          ),
    onMutate: () => {
      setServerErrors({});
      setDone(null);
    },
    onSuccess: async (page, { values }) => {
      // A save that changed nothing keeps its version: say so, not "saved".
      const same = base !== undefined && page.version === base.version;
      dirtyRef.current = false;
      setConflict(null);
      setBase(page);
      const now = { ...formOf(page), note: '' };
      setSaved(now);
      // What was typed meanwhile (while the save was on its way) stays.
      setForm((f) => (sameForm(f, values) ? now : f));
      setDone(same ? 'Nothing changed since the last save.' : `Saved as version ${page.version}.`);
      queryClient.setQueryData(['kb', 'page', page.slug], page);
      // Renamed: the old address answers 404 from now on, not from a cache.
      if (base && base.slug !== page.slug)
        queryClient.removeQueries({ queryKey: ['kb', 'page', base.slug] });
      await queryClient.invalidateQueries({ queryKey: ['kb', 'pages'] });
      await queryClient.invalidateQueries({ queryKey: ['kb', 'revisions', page.id] });
      if (base === undefined || base.slug !== page.slug)
        await navigate({
          to: '/console/knowledge-base/pages/$slug',
          params: { slug: page.slug },
          replace: true,
        });
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      if (error.code === 'kb_page_conflict') setConflict(error.problem as unknown as KbConflict);
      if (error.code === 'kb_slug_taken') setServerErrors({ slug: messageOf(error) });
      if (error.code === 'validation_failed') setServerErrors(fieldErrorsOf(error.issues));
    },
  });

  // A field changed by hand is no longer the server's complaint.
  const edit = (change: Partial<KbForm>) => {
    setForm((f) => ({ ...f, ...change }));
    setServerErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(change)) delete next[k as keyof KbForm];
      return next;
    });
    setDone(null);
  };

  const submit = (version = base?.version) => {
    setChecked(true);
    if (Object.keys(validate(form)).length > 0) return;
    save.mutate({ values: form, version });
  };

  const copyRevision = (r: KbRevision) => {
    edit({ title: r.title, body: r.body, note: `Back to version ${r.version}` });
    document.getElementById(`${id}-body`)?.focus();
  };

  // The page was saved elsewhere and reloaded: start again from it.
  const loadTheirs = (latest: KbPage) => {
    dirtyRef.current = false;
    setBase(latest);
    setSaved(formOf(latest));
    setForm(formOf(latest));
    setConflict(null);
    setDone(`Loaded version ${latest.version}; your changes were discarded.`);
  };

  useEffect(() => {
    if (conflict) document.getElementById(`${id}-conflict`)?.focus();
  }, [conflict, id]);

  const generalError =
    save.isError &&
    !(
      save.error instanceof ApiError &&
      ['kb_page_conflict', 'kb_slug_taken', 'validation_failed'].includes(save.error.code)
    );

  return (
    <>
      <form
        className="kb-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <div className="form-row align-top">
          <Field label="Title" className="kb-field-wide" error={errors.title}>
            {(control) => (
              <input
                {...control}
                value={form.title}
                maxLength={200}
                onChange={(e) =>
                  edit({
                    title: e.target.value,
                    ...(slugTouched ? {} : { slug: slugify(e.target.value) }),
                  })
                }
              />
            )}
          </Field>
          <Field
            label="Address"
            className="kb-field-wide"
            error={errors.slug}
            hint={
              <>
                Partners open it at /portal/help/{form.slug || '…'}
                {base && form.slug !== base.slug ? ' (renamed: the old address stops working)' : ''}
              </>
            }
          >
            {(control) => (
              <input
                {...control}
                value={form.slug}
                maxLength={80}
                spellCheck={false}
                autoCapitalize="off"
                onChange={(e) => {
                  setSlugTouched(true);
                  edit({ slug: e.target.value });
                }}
              />
            )}
          </Field>
        </div>
        <div className="form-row align-top">
          <fieldset className="field kb-audience">
            <legend className="field-label">Who reads it</legend>
            <label className="console-check">
              <input
                type="radio"
                name={`${id}-audience`}
                checked={form.audience === 'partners'}
                onChange={() => edit({ audience: 'partners' })}
              />
              Partners (the portal's Help) and the team
            </label>
            <label className="console-check">
              <input
                type="radio"
                name={`${id}-audience`}
                checked={form.audience === 'operators'}
                onChange={() => edit({ audience: 'operators' })}
              />
              The team only (internal playbook)
            </label>
          </fieldset>
          <Field
            label="Order"
            className="kb-field-narrow"
            error={errors.position}
            hint="Lower numbers come first."
          >
            {(control) => (
              <input
                {...control}
                inputMode="numeric"
                value={form.position}
                placeholder={base ? undefined : 'last'}
                onChange={(e) => edit({ position: e.target.value })}
              />
            )}
          </Field>
          <div className="field">
            <span className="field-label">Status</span>
            <label className="console-check">
              <input
                type="checkbox"
                checked={form.published}
                onChange={(e) => edit({ published: e.target.checked })}
                aria-describedby={`${id}-published-hint`}
              />
              Published
            </label>
            <p id={`${id}-published-hint`} className="field-hint">
              {form.audience === 'partners'
                ? form.published
                  ? 'Partners can read it.'
                  : 'A draft: partners cannot see it.'
                : 'Internal pages are never shown to partners.'}
            </p>
          </div>
        </div>

        <div className="kb-editor">
          <Field
            id={`${id}-body`}
            label="Text (Markdown)"
            className="kb-editor-text"
            error={errors.body}
            hint={
              <>
                ## Heading, **bold**, - list, [link](/portal/payouts), | table |. HTML is shown as
                text. {kb(bytes)} of {kb(KB_BODY_MAX_BYTES)}.
              </>
            }
          >
            {(control) => (
              <textarea
                {...control}
                value={form.body}
                rows={24}
                spellCheck
                onChange={(e) => edit({ body: e.target.value })}
              />
            )}
          </Field>
          <div className="kb-editor-preview">
            <p className="field-label" id={`${id}-preview`}>
              Preview
            </p>
            <KbScroll labelledBy={`${id}-preview`}>
              {preview.trim() ? (
                <MarkdownArticle markdown={preview} />
              ) : (
                <p className="muted">The text appears here as partners will see it.</p>
              )}
            </KbScroll>
          </div>
        </div>

        <Field
          label="Note for the history (optional)"
          className="kb-field-wide"
          error={errors.note}
        >
          {(control) => (
            <input
              {...control}
              value={form.note}
              maxLength={500}
              placeholder="What changed and why"
              onChange={(e) => edit({ note: e.target.value })}
            />
          )}
        </Field>

        {conflict ? (
          <KbConflictNotice
            id={`${id}-conflict`}
            slug={base?.slug ?? form.slug}
            conflict={conflict}
            saving={save.isPending}
            onOverwrite={() => submit(conflict.current_version)}
            onLoadTheirs={loadTheirs}
          />
        ) : null}

        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? 'Saving…' : base ? 'Save' : 'Create page'}
          </button>
          <span className="muted small" aria-live="polite">
            {dirty ? 'Unsaved changes' : (done ?? (base ? `Version ${base.version}` : ''))}
          </span>
        </div>
        {checked && Object.keys(validate(form)).length > 0 ? (
          <p className="field-error" role="alert">
            Some fields need attention before the page can be saved.
          </p>
        ) : null}
        {generalError ? <Notice tone="error">Not saved. {messageOf(save.error)}</Notice> : null}
      </form>
      {base ? <KbRevisions page={base} onUse={copyRevision} /> : null}
    </>
  );
}
