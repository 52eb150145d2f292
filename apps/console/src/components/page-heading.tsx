import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** The first page after a load keeps the browser's own focus (the document's start, where the skip link is). */
let firstPage = true;

/**
 * The page's h1, focused when the console moves to another page, so keyboard and screen-reader users start at
 * the new page's content rather than at the link they followed; it also names the browser tab.
 */
export function PageHeading({ title, children }: { title: string; children?: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · order-saga console`;
    if (firstPage) firstPage = false;
    else heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div class="page-heading">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
