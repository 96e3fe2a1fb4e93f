import { useRouter } from '@tanstack/react-router';
import { useEffect, useMemo, useRef } from 'react';
import { renderMarkdown } from './render-markdown';
import './markdown.css';

/**
 * Knowledge base Markdown, rendered and sanitised (renderMarkdown). Links to
 * pages of this app move within it instead of reloading it.
 */
export function MarkdownArticle({ markdown }: { markdown: string }) {
  const html = useMemo(() => renderMarkdown(markdown), [markdown]);
  const ref = useRef<HTMLDivElement>(null);
  const router = useRouter();

  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = (event.target as Element | null)?.closest('a');
      if (!link || !root.contains(link)) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      event.preventDefault();
      router.navigate({ href: `${url.pathname}${url.search}${url.hash}` });
    };
    root.addEventListener('click', onClick);
    return () => root.removeEventListener('click', onClick);
  }, [router]);

  return (
    <div
      ref={ref}
      className="markdown"
      // biome-ignore lint/security/noDangerouslySetInnerHtml: renderMarkdown escapes the author's HTML and sanitises the result with DOMPurify
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
