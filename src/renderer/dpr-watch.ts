// Device pixel ratio changes (browser zoom, a window moved to another screen) without a resize of
// the element: a media query on the current resolution stops matching, and canvases must be re-sized
// to stay sharp. There is no event for the ratio itself, so the query is renewed after each change.

/** Calls `onChange` after every change of window.devicePixelRatio; returns the function that stops watching. */
export function watchDevicePixelRatio(onChange: () => void): () => void {
  if (typeof matchMedia !== 'function') return () => {};
  let query: MediaQueryList | undefined;
  const listen = () => {
    query = matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`);
    query.addEventListener('change', changed, { once: true });
  };
  const changed = () => {
    listen();
    onChange();
  };
  listen();
  return () => query?.removeEventListener('change', changed);
}
