import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Campaign } from '../api/campaigns';
import { ApiError, api, call } from '../api/client';
import { messageOf } from '../api/messages';
import { useIdempotencyKey } from '../console/use-idempotency-key';
import { Field } from '../ui/field';
import { FormCard } from '../ui/form-card';
import { humanize } from '../ui/format';
import { Notice } from '../ui/notice';
import { usePartnerId } from './use-partner-id';
import { usePartnerPrograms } from './use-programs';

/** src/core/campaign.ts campaignChannels. */
const channels = [
  'email',
  'social',
  'search',
  'partner_site',
  'webinar',
  'event',
  'other',
] as const;
type Channel = (typeof channels)[number];

/** A `<input type="date">` value as the instant its day starts, in UTC. */
const dayStart = (day: string) => (day ? `${day}T00:00:00.000Z` : '');

/**
 * Maps a problem's issue paths (`body.targets.leads`, `body.channels[0]`) to
 * the form's field names, so each message sits next to its field.
 */
function issuesByField(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const path = i.path.replace(/^body\./, '').replace(/\[\d+\]|\.\d+(?=\.|$)/g, '');
    out[path] ??= i.message;
  }
  return out;
}

/** A partner proposes a co-marketing campaign; the program manager approves or declines it. */
export function ProposeCampaignForm() {
  const partnerId = usePartnerId();
  const programs = usePartnerPrograms(partnerId);
  const client = useQueryClient();
  const idem = useIdempotencyKey();
  const [program, setProgram] = useState('');
  const [name, setName] = useState('');
  const [goal, setGoal] = useState('');
  const [audience, setAudience] = useState('');
  const [picked, setPicked] = useState<Channel[]>([]);
  const [starts, setStarts] = useState('');
  const [ends, setEnds] = useState('');
  const [lift, setLift] = useState('');
  const [leads, setLeads] = useState('');
  const [activations, setActivations] = useState('');
  const [cost, setCost] = useState('');
  const chosenProgram = program || programs.data?.[0]?.key || '';
  const propose = useMutation({
    mutationFn: () =>
      call<Campaign>(
        api.POST('/v1/campaigns', {
          headers: { 'Idempotency-Key': idem.current() },
          body: {
            program: chosenProgram,
            name: name.trim(),
            channels: picked,
            starts_at: dayStart(starts),
            ends_at: dayStart(ends),
            ...(goal.trim() ? { goal: goal.trim() } : {}),
            ...(audience.trim() ? { audience: audience.trim() } : {}),
            ...(lift.trim() ? { expected_lift: Number(lift) } : {}),
            ...(cost.trim() ? { cost: cost.trim() } : {}),
            ...(leads.trim() || activations.trim()
              ? {
                  targets: {
                    ...(leads.trim() ? { leads: Number(leads) } : {}),
                    ...(activations.trim() ? { activations: Number(activations) } : {}),
                  },
                }
              : {}),
          },
        }),
      ),
    onSuccess: async () => {
      idem.settle();
      setName('');
      setGoal('');
      setAudience('');
      setPicked([]);
      setStarts('');
      setEnds('');
      setLift('');
      setLeads('');
      setActivations('');
      setCost('');
      await client.invalidateQueries({ queryKey: ['portal', 'campaigns'] });
      await client.invalidateQueries({ queryKey: ['portal', 'calendar'] });
    },
    onError: (error) => idem.settle(error),
  });
  const issues = propose.isError ? issuesByField(propose.error) : {};
  const toggle = (c: Channel) =>
    setPicked((now) => (now.includes(c) ? now.filter((x) => x !== c) : [...now, c]));
  return (
    <FormCard
      title="Propose a campaign"
      onSubmit={() => {
        if (idem.begin()) propose.mutate();
      }}
    >
      <p className="muted small">
        Your program manager reviews the proposal; it shows as “Proposed” until they approve it.
      </p>
      <Field label="Program" error={issues.program}>
        {(p) => (
          <select {...p} value={chosenProgram} onChange={(e) => setProgram(e.target.value)}>
            {(programs.data ?? []).map((pr) => (
              <option key={pr.id} value={pr.key}>
                {pr.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Campaign name" error={issues.name}>
        {(p) => (
          <input
            {...p}
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <Field label="Goal" hint="What the campaign should achieve." error={issues.goal}>
        {(p) => <textarea {...p} rows={2} value={goal} onChange={(e) => setGoal(e.target.value)} />}
      </Field>
      <Field label="Audience" hint="Who it reaches." error={issues.audience}>
        {(p) => <input {...p} value={audience} onChange={(e) => setAudience(e.target.value)} />}
      </Field>
      <fieldset aria-describedby={issues.channels ? 'propose-channels-error' : undefined}>
        <legend>Channels</legend>
        {channels.map((c) => (
          <label key={c} className="inline-check">
            <input type="checkbox" checked={picked.includes(c)} onChange={() => toggle(c)} />{' '}
            {humanize(c)}
          </label>
        ))}
        {issues.channels ? (
          <p id="propose-channels-error" className="field-error">
            {issues.channels}
          </p>
        ) : null}
      </fieldset>
      <Field label="Starts on" error={issues.starts_at}>
        {(p) => (
          <input {...p} type="date" value={starts} onChange={(e) => setStarts(e.target.value)} />
        )}
      </Field>
      <Field label="Ends on" error={issues.ends_at}>
        {(p) => <input {...p} type="date" value={ends} onChange={(e) => setEnds(e.target.value)} />}
      </Field>
      <Field
        label="Expected lift (%)"
        hint="Optional: how much more activity you expect than without the campaign."
        error={issues.expected_lift}
      >
        {(p) => (
          <input
            {...p}
            inputMode="decimal"
            value={lift}
            onChange={(e) => setLift(e.target.value)}
          />
        )}
      </Field>
      <Field
        label="Target leads"
        hint="Optional."
        error={issues['targets.leads'] ?? issues.targets}
      >
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={leads}
            onChange={(e) => setLeads(e.target.value)}
          />
        )}
      </Field>
      <Field label="Target activations" hint="Optional." error={issues['targets.activations']}>
        {(p) => (
          <input
            {...p}
            inputMode="numeric"
            value={activations}
            onChange={(e) => setActivations(e.target.value)}
          />
        )}
      </Field>
      <Field label="Planned cost" hint="Optional, e.g. 1500.00." error={issues.cost}>
        {(p) => (
          <input
            {...p}
            inputMode="decimal"
            value={cost}
            onChange={(e) => setCost(e.target.value)}
          />
        )}
      </Field>
      <div aria-live="polite">
        {propose.isError ? <Notice tone="error">{messageOf(propose.error)}</Notice> : null}
        {propose.isSuccess ? (
          <Notice tone="ok">Proposed “{propose.data.name}”: it is waiting for approval.</Notice>
        ) : null}
      </div>
      <button type="submit" disabled={propose.isPending || !chosenProgram}>
        {propose.isPending ? 'Sending…' : 'Propose campaign'}
      </button>
    </FormCard>
  );
}
