// The web extension host's tile sources (src/host/tile-server.ts): no local disk (every sidecar is read
// through vscode.workspace.fs), SHA-256 from the Web Crypto API, base64 from the portable encoder.

import { encodeBase64 } from '../core/encoding/base64';
import type { TileSources } from '../host/tile-server';
import { webSha256 } from './in-process-runner';

export const webTileSources: TileSources = {
  sha256: webSha256,
  base64: encodeBase64,
};
