import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Route, routeOf } from './routes';

const NAVIGATED = 'console:navigated';

/** Goes to a console href without reloading; the back button returns. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new Event(NAVIGATED));
}

export interface Location {
  route: Route;
  /** The query of the current URL: the filters of the lists live there, so a link or a reload keeps them. */
  query: URLSearchParams;
  href: string;
}

function currentLocation(): Location {
  return {
    route: routeOf(window.location.pathname),
    query: new URLSearchParams(window.location.search),
    href: window.location.pathname + window.location.search,
  };
}

/** The current route and query, updated on navigate() and on the browser's back and forward. */
export function useLocation(): Location {
  const [location, setLocation] = useState(currentLocation);
  useEffect(() => {
    const update = () => setLocation(currentLocation());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return location;
}

/** An ordinary link (it opens in a new tab, it can be copied) that navigates in place on a plain click. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children: ComponentChildren }) {
  const { href, children, ...rest } = props;
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a {...rest} href={href} onClick={onClick}>
      {children}
    </a>
  );
}
