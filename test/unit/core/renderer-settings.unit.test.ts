import * as assert from 'node:assert/strict';
import { DEFAULT_RENDERER_SETTINGS, readRendererSettings, settingsFromMessage } from '../../../src/core/renderer-settings';

describe('renderer settings', () => {
  it('default to viridis drawn the best way the webview allows', () => {
    assert.deepEqual(DEFAULT_RENDERER_SETTINGS, { colorMap: 'viridis', drawing: 'auto' });
    assert.deepEqual(readRendererSettings(undefined), DEFAULT_RENDERER_SETTINGS);
  });

  it('keep each known value and replace each unknown one by its default', () => {
    assert.deepEqual(readRendererSettings({ colorMap: 'cividis', drawing: 'canvas2d' }), { colorMap: 'cividis', drawing: 'canvas2d' });
    assert.deepEqual(readRendererSettings({ colorMap: 'jet', drawing: 'canvas2d' }), { colorMap: 'viridis', drawing: 'canvas2d' });
    assert.deepEqual(readRendererSettings({ colorMap: 'viridis', drawing: 'webgl2' }), { colorMap: 'viridis', drawing: 'webgl2' });
    assert.deepEqual(readRendererSettings({ colorMap: 'cividis', drawing: 'webgpu' }), { colorMap: 'cividis', drawing: 'auto' });
    assert.deepEqual(readRendererSettings({ colorMap: ['cividis'], drawing: null }), DEFAULT_RENDERER_SETTINGS);
  });

  it('are read from a settings message only', () => {
    assert.deepEqual(settingsFromMessage({ type: 'settings', settings: { colorMap: 'cividis', drawing: 'auto' } }), { colorMap: 'cividis', drawing: 'auto' });
    assert.deepEqual(settingsFromMessage({ type: 'settings', settings: 'cividis' }), DEFAULT_RENDERER_SETTINGS);
    assert.equal(settingsFromMessage({ type: 'tilesResult', requestId: 1, ok: false, error: 'x' }), undefined);
    assert.equal(settingsFromMessage(null), undefined);
  });
});
