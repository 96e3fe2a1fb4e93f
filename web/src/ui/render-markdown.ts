import DOMPurify, { type Config } from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';

/**
 * Knowledge base Markdown to HTML that is safe to put in the page, in two
 * layers. `markdownToHtml` never lets markup through that the author typed
 * as HTML (it is shown as text) and drops links and images whose URL is not
 * http(s), mailto or a path; `renderMarkdown` then passes the result through
 * DOMPurify with an allow-list of the elements Markdown makes. Either layer
 * alone would stop `<script>`, `onerror=` and `javascript:`; both run.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * A link or image URL worth keeping: http(s), mailto, a path, a fragment or a
 * relative reference. Anything with another scheme (`javascript:`, `data:`,
 * `vbscript:`), control characters (how `java\tscript:` slips past naive
 * checks) or character references in place of a colon is dropped.
 */
export function safeUrl(href: string): boolean {
  const h = href.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (h === '' || /[\u0000-\u001f\u007f]/.test(h) || /&(?:#|colon;)/i.test(h)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(h);
  return !scheme || ['http', 'https', 'mailto'].includes((scheme[1] ?? '').toLowerCase());
}

function minHeadingDepth(tokens: Token[]): number {
  let min = 6;
  const visit = (ts: Token[]) => {
    for (const t of ts) {
      if (t.type === 'heading') min = Math.min(min, (t as Tokens.Heading).depth);
      const children = (t as { tokens?: Token[] }).tokens;
      if (children) visit(children);
    }
  };
  visit(tokens);
  return min;
}

/**
 * Markdown (GitHub flavoured: tables, strikethrough, autolinks) to HTML, with
 * the author's raw HTML escaped and unsafe URLs dropped. Headings are shifted
 * so the body's highest level is an h2: the page's title is its h1.
 */
export function markdownToHtml(markdown: string): string {
  const marked = new Marked({ gfm: true, breaks: false, async: false });
  const tokens = marked.lexer(markdown);
  const shift = 2 - minHeadingDepth(tokens);
  marked.use({
    renderer: {
      html({ text }) {
        return escapeHtml(text);
      },
      heading({ tokens: inline, depth }) {
        const level = Math.min(6, Math.max(2, depth + shift));
        return `<h${level}>${this.parser.parseInline(inline)}</h${level}>\n`;
      },
      link({ href, tokens: inline }) {
        // false: marked's own renderer writes (and escapes) the link.
        return safeUrl(href) ? false : this.parser.parseInline(inline);
      },
      image({ href, text }) {
        return safeUrl(href) ? false : escapeHtml(text);
      },
    },
  });
  return marked.parser(tokens);
}

/** The elements and attributes Markdown produces; everything else goes. */
const PURIFY: Config = {
  ALLOWED_TAGS: [
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'p',
    'br',
    'hr',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  ALLOWED_ATTR: ['href', 'title', 'alt', 'src', 'align', 'start'],
  ALLOW_DATA_ATTR: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

type Purifier = ReturnType<typeof DOMPurify>;
let purifier: Purifier | null | undefined;

/** One DOMPurify of our own (its hook does not reach other users of the library). */
function purify(): Purifier | null {
  if (purifier !== undefined) return purifier;
  purifier = typeof window === 'undefined' ? null : DOMPurify(window);
  if (purifier && !purifier.isSupported) purifier = null;
  purifier?.addHook('afterSanitizeAttributes', (node) => {
    // Links to other sites do not get this page's window or its address.
    if (node.tagName === 'A' && /^(?:https?:)?\/\//i.test(node.getAttribute('href') ?? ''))
      node.setAttribute('rel', 'noopener noreferrer');
  });
  return purifier;
}

/**
 * Knowledge base Markdown as sanitised HTML for `dangerouslySetInnerHTML`.
 * Where DOMPurify cannot run (no DOM: it would hand its input back
 * unchanged), the Markdown is shown as escaped text instead: fail closed.
 */
export function renderMarkdown(markdown: string): string {
  const p = purify();
  if (!p) return `<pre>${escapeHtml(markdown)}</pre>`;
  const body = p.sanitize(markdownToHtml(markdown), { ...PURIFY, RETURN_DOM: true });
  // Tables scroll sideways in their own frame on a narrow screen; the frame
  // is ours, added after sanitising, so authors still cannot write a div.
  for (const table of body.querySelectorAll('table')) {
    const frame = body.ownerDocument.createElement('div');
    frame.className = 'table-scroll';
    frame.tabIndex = 0;
    frame.setAttribute('role', 'region');
    const heads = [...table.querySelectorAll('th')].map((th) => th.textContent?.trim());
    frame.setAttribute('aria-label', `Table: ${heads.filter(Boolean).join(', ') || 'details'}`);
    table.replaceWith(frame);
    frame.append(table);
  }
  return body.innerHTML;
}
