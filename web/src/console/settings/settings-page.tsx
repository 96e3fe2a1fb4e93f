import type { ReactNode } from 'react';
import { Notice } from '../../ui/notice';
import { PageHeader } from '../../ui/page-header';
import { useOperator } from '../use-operator';
import { ApiKeys } from './api-keys';
import { Users } from './users';

/** `/console/settings` (owners and admins): who signs in, and the API keys. */
export function SettingsPage(): ReactNode {
  const { may } = useOperator();
  if (!may('admin'))
    return (
      <>
        <PageHeader title="Settings" />
        <Notice tone="info">
          Settings (people, roles and API keys) are for owners and admins.
        </Notice>
      </>
    );
  return (
    <>
      <PageHeader title="Settings" lead="People who sign in and their roles, and API keys." />
      <Users />
      <ApiKeys />
    </>
  );
}
