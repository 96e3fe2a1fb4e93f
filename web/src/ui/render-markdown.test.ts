import { describe, expect, it } from 'vitest';
import { markdownToHtml, renderMarkdown, safeUrl } from './render-markdown';

interface Element {
  name: string;
  attrs: Record<string, string>;
}

/**
 * The elements a browser would build from the HTML, with their attributes.
 * Attribute values are double-quoted and hold no raw `"` (the renderer
 * escapes them), so this reading is exact; a tag it cannot read fails.
 */
function elements(html: string): Element[] {
  const out: Element[] = [];
  for (const m of html.matchAll(/<([a-z][a-z0-9]*)([^>]*)>/gi)) {
    const [tag, name = '', rest = ''] = m;
    const attrs: Record<string, string> = {};
    const left = rest.replace(/\s+([a-z-]+)(?:="([^"]*)")?/gi, (_a, k: string, v?: string) => {
      attrs[k.toLowerCase()] = v ?? '';
      return '';
    });
    expect(left.replace(/\s*\/?$/, ''), `unreadable tag ${tag}`).toBe('');
    out.push({ name: name.toLowerCase(), attrs });
  }
  return out;
}

describe('knowledge base Markdown', () => {
  it('renders headings, lists, links, code and tables', () => {
    const html = markdownToHtml(
      [
        '# Referrals',
        '',
        'Read [the terms](/portal/help/terms) or [our site](https://marketplace.example).',
        '',
        '- one',
        '- **two**',
        '',
        '1. first',
        '',
        '`inline` and',
        '',
        '```',
        'const x = 1 < 2;',
        '```',
        '',
        '| Tier | × |',
        '|:---|---:|',
        '| Gold | 1.25 |',
        '',
        '## Holds',
      ].join('\n'),
    );
    // The body's top heading is an h2: the page title is the h1.
    expect(html).toContain('<h2>Referrals</h2>');
    expect(html).toContain('<h3>Holds</h3>');
    expect(html).toContain('<a href="/portal/help/terms">the terms</a>');
    expect(html).toContain('<a href="https://marketplace.example">our site</a>');
    expect(html).toContain('<li><strong>two</strong></li>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<code>inline</code>');
    expect(html).toContain('<pre><code>const x = 1 &lt; 2;');
    expect(html).toMatch(/<th align="left">Tier<\/th>/);
    expect(html).toContain('<td align="right">1.25</td>');
  });

  it('keeps ## sections as h2 when the body has no # heading', () => {
    expect(markdownToHtml('## Payouts\n\n### Minimum')).toBe(
      '<h2>Payouts</h2>\n<h3>Minimum</h3>\n',
    );
  });

  it('never lets HTML the author typed become elements: script, onerror and friends are text', () => {
    const attacks = [
      '<script>alert(1)</script>',
      'Hello <img src=x onerror="alert(1)"> there',
      '<iframe src="https://evil.example"></iframe>',
      '<a href="javascript:alert(1)">click</a>',
      '<div onmouseover="alert(1)">hover</div>',
      '<svg><script>alert(1)</script></svg>',
      '<style>body{display:none}</style>',
      '<!-- <script>alert(1)</script> -->',
      '<details open ontoggle=alert(1)>',
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](java\tscript:alert(1))',
      '[x](javascript&#58;alert(1))',
      '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
      '[x](vbscript:msgbox(1))',
      '![x](javascript:alert(1))',
      '![x" onerror="alert(1)](https://example.com/a.png)',
      '[x](https://example.com/" onclick="alert(1))',
      '<javascript:alert(1)>',
    ];
    for (const md of attacks) {
      const html = markdownToHtml(md);
      for (const e of elements(html)) {
        expect(['p', 'a', 'img', 'code', 'pre', 'strong', 'em'], md).toContain(e.name);
        for (const [name, value] of Object.entries(e.attrs)) {
          expect(['href', 'src', 'alt', 'title'], `${md}: ${name}`).toContain(name);
          if (name === 'href' || name === 'src')
            expect(value, md).toMatch(/^https:\/\/example\.com\//);
        }
      }
    }
    // What was typed is still readable, as text.
    expect(markdownToHtml('<script>alert(1)</script>')).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(markdownToHtml('[x](javascript:alert(1))')).toBe('<p>x</p>\n');
  });

  it('keeps http(s), mailto, paths and fragments; drops other schemes', () => {
    for (const ok of [
      'https://a.example/x?y=1&z=2',
      'http://a.example',
      'mailto:pm@example.com',
      '/portal/payouts',
      '#holds',
      'other-page',
    ])
      expect(safeUrl(ok), ok).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      ' JAVASCRIPT:x',
      'data:text/html,x',
      'vbscript:x',
      'file:///etc/passwd',
      'java\nscript:x',
      'javascript&colon;x',
      '',
    ])
      expect(safeUrl(bad), bad).toBe(false);
  });

  it('fails closed where DOMPurify cannot run: the Markdown is shown as escaped text', () => {
    // Vitest runs in Node, without a DOM: DOMPurify would hand its input back unchanged.
    expect(renderMarkdown('<img src=x onerror=alert(1)> **hi**')).toBe(
      '<pre>&lt;img src=x onerror=alert(1)&gt; **hi**</pre>',
    );
  });
});
