// User-timing measures of the renderer's frame parts (devtools timeline; the benchmark observes
// them). Only the latest measure of each name stays buffered, so a long session does not grow memory.

export function mark(name: string, start: number, end: number): void {
  performance.clearMeasures(name);
  performance.measure(name, { start, end });
}
