// The web extension host's tile sources (src/host/tile-server.ts): no local disk (every sidecar is read
// through vscode.workspace.fs), SHA-256 from the Web Crypto API, base64 from the portable encoder.

import { encodeBase64 } from '../core/encoding/base64';
import type { TileSources } from '../host/tile-server';

const hex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

export const webTileSources: TileSources = {
  sha256: async (bytes) => hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)),
  base64: encodeBase64,
};
