// Calls `fn` whenever the device pixel ratio changes (browser zoom, a window moved to another
// screen), so canvases get a backing store of the new size. A media query matches one ratio only,
// so it is re-armed with the new ratio after each change. Returns the function that stops watching.
export function watchDevicePixelRatio(fn: () => void): () => void {
  let mq: MediaQueryList | undefined;
  const onChange = () => {
    arm();
    fn();
  };
  const arm = () => {
    mq?.removeEventListener('change', onChange);
    mq = typeof matchMedia === 'function' ? matchMedia(`(resolution: ${globalThis.devicePixelRatio || 1}dppx)`) : undefined;
    mq?.addEventListener('change', onChange);
  };
  arm();
  return () => mq?.removeEventListener('change', onChange);
}
