import * as assert from 'node:assert/strict';
import { attributeOf, ERROR_ROOT, TOOLTIP, TOOLTIP_ATTR, TRACE_ATTR, TRACE_ROOT, traceStatus } from '../../../../src/core/view/status-contract';

describe('status contract (data-* attributes of a rendered output)', () => {
  it('maps dataset keys to attribute names as the HTML dataset does', () => {
    assert.equal(attributeOf('stepsStart'), 'data-steps-start');
    assert.equal(attributeOf('tileRttMs'), 'data-tile-rtt-ms');
    assert.equal(attributeOf('draws'), 'data-draws');
  });
  it('gives every trace and tooltip field its attribute', () => {
    assert.equal(TRACE_ATTR.stepsEnd, 'data-steps-end');
    assert.equal(TRACE_ATTR.tilesError, 'data-tiles-error');
    assert.equal(TRACE_ATTR.themeKind, 'data-theme-kind');
    assert.equal(TOOLTIP_ATTR.exact, 'data-exact');
    for (const [k, a] of Object.entries(TRACE_ATTR)) assert.equal(a, attributeOf(k));
  });
  it('names the roots and the tooltip by selector', () => {
    assert.equal(TRACE_ROOT, '[data-gatescope="trace"]');
    assert.equal(ERROR_ROOT, '[data-gatescope="error"]');
    assert.equal(TOOLTIP, '[data-gatescope="trace"] .gs-tooltip');
  });
  it('writes through the typed view into the dataset object itself', () => {
    const ds: Record<string, string | undefined> = {};
    const s = traceStatus(ds);
    s.state = 'ready';
    s.stepsStart = String(3);
    assert.deepEqual(ds, { state: 'ready', stepsStart: '3' });
  });
});
