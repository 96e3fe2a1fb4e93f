import { Link, useRouterState } from '@tanstack/react-router';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { AccountControls } from '../auth/account-controls';

export interface NavItem {
  to: string;
  label: string;
  /** Active only on exactly this path (for an area's index page). */
  exact?: boolean;
}

/** Moves focus to the main region without putting a hash in the router's URL. */
function skipToMain(event: React.MouseEvent<HTMLAnchorElement>) {
  const main = document.getElementById('main');
  if (!main) return;
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
}

/**
 * The frame of a signed-in area (portal or console): a skip link, a header
 * with the area's name and the account controls, the area's navigation
 * (a sidebar, collapsed behind a Menu button on narrow screens) and the main
 * region the page renders into.
 */
export function AppShell({
  area,
  home,
  nav,
  navLabel,
  children,
}: {
  /** Shown beside the brand: "Partner portal", "Console". */
  area: string;
  /** Where the brand links to: the area's start page. */
  home: string;
  nav: NavItem[];
  /** The navigation landmark's name, e.g. "Portal". */
  navLabel?: string;
  children: ReactNode;
}) {
  const navId = useId();
  const [open, setOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  // A chosen page closes the small-screen menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on navigation on purpose
  useEffect(() => setOpen(false), [pathname]);

  return (
    <div className="shell">
      {/* biome-ignore lint/a11y/useValidAnchor: a skip link is in-page navigation; the handler only keeps "#main" out of the router's URL */}
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <header className="shell-header">
        <Link to={home} className="shell-brand">
          <span>Tandem</span>
          <span className="shell-brand-area">{area}</span>
        </Link>
        <button
          type="button"
          className="shell-menu-button small"
          aria-expanded={open}
          aria-controls={navId}
          onClick={() => setOpen(!open)}
        >
          Menu
        </button>
        <AccountControls />
      </header>
      <nav id={navId} className="shell-nav" aria-label={navLabel ?? area} data-open={open}>
        <ul>
          {nav.map((item) => (
            <li key={item.to}>
              <Link to={item.to} activeOptions={{ exact: item.exact ?? false }}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
