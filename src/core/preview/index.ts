// The PNG preview stored next to a trace output (image/png), drawn with the renderer's colour maps.
export { renderPreviewPng, previewLayout, gateRgba, type PreviewOptions, type PreviewLayout, type PreviewPanel } from './render-png';
