import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import type { Partner } from '../../api/partners';
import type { ControlProps } from '../../ui/field';

/** A select of partners by name (the first 500), with `any` as the empty choice's words. */
export function PartnerSelect({
  control,
  value,
  onChange,
  any,
}: {
  control: ControlProps;
  value: string;
  onChange: (partnerId: string) => void;
  any: string;
}) {
  const partners = useQuery({
    queryKey: ['partners', 'names-list'],
    queryFn: () =>
      call<Page<Partner>>(api.GET('/v1/partners', { params: { query: { limit: 500 } } })).then(
        (r) => r.data,
      ),
    staleTime: 60_000,
  });
  const list = [...(partners.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{any}</option>
      {list.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
      {/* A partner from a link that is not among the first 500 still shows as chosen. */}
      {value && partners.isSuccess && !list.some((p) => p.id === value) ? (
        <option value={value}>{value}</option>
      ) : null}
    </select>
  );
}
