/**
 * Page timings of the dashboard benchmark in Debian's chromium: sign in through the web app
 * (magic link read from /outbox), then load a page again and again and time, inside the
 * page, when its headline card first shows a number — from the start of the navigation, and
 * from the moment the page's summary read (its API response) had fully arrived.
 */
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { signInThroughOutbox } from '../test/support/browser-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** One API request the page made, in ms since the start of the navigation. */
export interface RequestTiming {
  path: string;
  start: number;
  end: number;
}

export interface PageLoad {
  /** A fresh browser context (empty HTTP cache) with the signed-in session, or a reload. */
  cold: boolean;
  /** Navigation start → the card shows a number in the DOM. */
  dom_ms: number;
  /** Navigation start → the first frame after that (the card is painted). */
  painted_ms: number;
  /** Navigation start → the summary read's response fully arrived (responseEnd). */
  api_response_ms: number;
  /** That response → the card painted: parsing and rendering in the browser. */
  response_to_painted_ms: number;
  /** The summary request itself, start to responseEnd, as the browser saw it. */
  api_request_ms: number;
  /** The HTML document's responseEnd and DOMContentLoaded. */
  document_ms: number;
  dom_content_loaded_ms: number;
  /** Wall time in this process from page.goto to the mark being read. */
  wall_ms: number;
  card_text: string;
  requests: RequestTiming[];
}

/**
 * Runs first in every document (the bench's tsconfig has no DOM types, so in-page code is
 * text): the first time the card (`selector`) holds a digit, records performance.now() and,
 * one frame plus a task later (after that frame is painted), the time again.
 */
const watchCard = (selector: string) => `(() => {
  const mark = {};
  window.__tandemBench = mark;
  const check = () => {
    if (mark.dom !== undefined) return;
    const text = document.querySelector(${JSON.stringify(selector)})?.textContent ?? '';
    if (!/\\d/.test(text)) return;
    mark.dom = performance.now();
    mark.text = text;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { mark.painted = performance.now(); };
      channel.port2.postMessage(null);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;

/** Reads the marks and the API requests' resource timings of the current document. */
const readMarks = (summary: string) => `(() => {
  const mark = window.__tandemBench ?? {};
  const nav = performance.getEntriesByType('navigation')[0];
  const api = performance.getEntriesByType('resource')
    .filter((e) => new URL(e.name).pathname.startsWith('/v1/'))
    .map((e) => {
      const u = new URL(e.name);
      return { path: u.pathname + u.search, start: e.startTime, end: e.responseEnd };
    });
  const first = api.filter((r) => r.path.includes(${JSON.stringify(summary)}))
    .sort((a, b) => a.end - b.end)[0];
  return {
    dom: mark.dom ?? null,
    painted: mark.painted ?? null,
    text: mark.text ?? '',
    document: nav?.responseEnd ?? null,
    dcl: nav?.domContentLoadedEventEnd ?? null,
    apiStart: first?.start ?? null,
    apiEnd: first?.end ?? null,
    requests: api.filter((r) => r.start <= (mark.painted ?? Infinity)),
  };
})()`;

/** True once the watcher saw the card painted (runs in the page; typed without the DOM). */
const painted = () =>
  (globalThis as { __tandemBench?: { painted?: number } }).__tandemBench?.painted !== undefined;

interface Marks {
  dom: number | null;
  painted: number | null;
  text: string;
  document: number | null;
  dcl: number | null;
  apiStart: number | null;
  apiEnd: number | null;
  requests: RequestTiming[];
}

/** Signs in through the sign-in form and the link mailed to /outbox. */
export const signIn = signInThroughOutbox;

/**
 * Signs `email` in, then loads `path` `loads` times: the first in a fresh context holding
 * only the session cookie (nothing cached: what a person opening the app sees), the others
 * as reloads in that context. `summary` names the summary read (a substring of its URL).
 */
export async function timePage(
  browser: Browser,
  o: {
    base: string;
    email: string;
    path: string;
    selector: string;
    summary: string;
    loads: number;
    screenshot?: string;
    log: (line: string) => void;
  },
): Promise<PageLoad[]> {
  const signInContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const state = await (async () => {
    try {
      await signIn(await signInContext.newPage(), o.base, o.email);
      return await signInContext.storageState();
    } finally {
      await signInContext.close();
    }
  })();
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    storageState: state,
  });
  try {
    const page = await context.newPage();
    await page.addInitScript(watchCard(o.selector));
    const out: PageLoad[] = [];
    for (let i = 0; i < o.loads; i++) {
      const t0 = performance.now();
      await page.goto(`${o.base}${o.path}`, { waitUntil: 'commit' });
      // A function, not text: text is evaluated with eval, which the app's CSP refuses.
      await page.waitForFunction(painted, undefined, {
        timeout: 60_000,
        polling: 50,
      });
      const wall = performance.now() - t0;
      const seen = (await page.evaluate(readMarks(o.summary))) as Marks;
      const r = (x: number | null) => (x === null ? Number.NaN : Math.round(x * 10) / 10);
      const load: PageLoad = {
        cold: i === 0,
        dom_ms: r(seen.dom),
        painted_ms: r(seen.painted),
        api_response_ms: r(seen.apiEnd),
        response_to_painted_ms: r(
          seen.painted === null || seen.apiEnd === null ? null : seen.painted - seen.apiEnd,
        ),
        api_request_ms: r(
          seen.apiEnd === null || seen.apiStart === null ? null : seen.apiEnd - seen.apiStart,
        ),
        document_ms: r(seen.document),
        dom_content_loaded_ms: r(seen.dcl),
        wall_ms: r(wall),
        card_text: seen.text,
        requests: seen.requests.map((q) => ({ path: q.path, start: r(q.start), end: r(q.end) })),
      };
      out.push(load);
      o.log(
        `  ${o.path} load ${i + 1}/${o.loads}${i === 0 ? ' (cold)' : ''}: card painted at ${load.painted_ms} ms, API response at ${load.api_response_ms} ms (request ${load.api_request_ms} ms), response → painted ${load.response_to_painted_ms} ms ["${load.card_text}"]`,
      );
      if (i === o.loads - 1 && o.screenshot) {
        await page.waitForLoadState('networkidle').catch(() => {});
        await page.screenshot({ path: join(o.screenshot), fullPage: true });
      }
    }
    return out;
  } finally {
    await context.close();
  }
}
