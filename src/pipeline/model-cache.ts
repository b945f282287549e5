// Decoded models of recent runs, so a repeated run of the same model file skips decoding,
// instrumenting and onnxruntime's session creation (src/onnx/session.ts caches sessions by the same
// key). Keyed by the file's identity (path or URI + size and mtime) when the host gives one, else by
// a hash of the bytes. A new version of a file drops its old plan and releases its sessions; so do
// forget(file) (the host saw the file change), eviction (least recently used beyond MAX_MODELS) and
// clear() (the host's deactivation).

import { modelKey, releaseModelSessions } from '../onnx/session';
import { planModel, type ModelPlan } from './model-plan';
import type { ModelIdentity } from './job';

/** Models kept warm: a comparison holds two; a few more for switching between notebooks. */
export const MAX_MODELS = 4;

interface Entry {
  file: string | undefined;
  plan: ModelPlan;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly max = MAX_MODELS,
    private readonly release: (key: string) => Promise<void> = releaseModelSessions,
  ) {}

  /** The plan of `bytes` and whether it was cached; decodes them only on a miss. */
  plan(bytes: Uint8Array, identity?: ModelIdentity): { plan: ModelPlan; hit: boolean } {
    const key = identity ? `file ${identity.file} @${identity.version}` : `bytes ${modelKey(bytes)}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { plan: hit.plan, hit: true };
    }
    // The file changed since it was planned: its old plan and sessions go.
    if (identity) for (const [k, e] of this.entries) if (e.file === identity.file) this.drop(k);
    const plan = planModel(bytes, key);
    this.entries.set(key, { file: identity?.file, plan });
    while (this.entries.size > this.max) this.drop(this.entries.keys().next().value as string);
    return { plan, hit: false };
  }

  /** Drops the plans of `file` (it changed or went away) and releases their sessions. */
  forget(file: string): Promise<void> {
    const keys = [...this.entries].filter(([, e]) => e.file === file).map(([k]) => k);
    return Promise.all(keys.map((k) => this.drop(k))).then(() => undefined);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops every plan and releases its sessions. */
  clear(): Promise<void> {
    const keys = [...this.entries.keys()];
    return Promise.all(keys.map((k) => this.drop(k))).then(() => undefined);
  }

  private drop(key: string): Promise<void> {
    this.entries.delete(key);
    return this.release(key).catch(() => undefined);
  }
}
