// Comparing two runs: alignment, per-gate difference statistics, unit alignment (Hungarian).
export { CompareError } from './errors';
export { alignRuns, type LayerPair, type LayerShape, type RunShape } from './align';
export { absDiff, diffGate, type CellIndex, type GateDiff } from './gate-diff';
export { minCostAssignment } from './hungarian';
export { alignUnits, invertPermutation, permuteUnits, unitCorrelation } from './unit-alignment';
export { compareRuns, type CompareSummary, type GateValues, type RunComparison } from './compare-runs';
export { compareTraceInputs, runShape, type Comparison, type ComparisonOptions } from './comparison-trace';
export { comparisonPairs, deltaRange, statsOf, type ComparedEntry } from './comparison-pairs';
export { paneCell, paneRgba, type PaneJob } from './pane-raster';
export { clampViewport, dragBy, fullViewport, stepFraction, unitFraction, viewportForKey, wheelFactor, zoomAt, type PaneTotals, type PaneViewport } from './pane-viewport';
export { movedUnits, permutationText, shownAlignment, type ShownAlignment } from './unit-alignment-shown';
export { traceRunInput } from './trace-run';
