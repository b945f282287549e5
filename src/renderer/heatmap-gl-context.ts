// The webview's one WebGL2 context for heatmaps, shared by every panel of every output (Chromium keeps
// at most 16 live contexts; one per heatmap would lose the oldest past four outputs). It draws a job
// into its own offscreen canvas, which the panel's drawer (heatmap-gl.ts) then copies onto the panel.
// The GPU computes every pixel's mean and colour (heatmap-gl-shaders.ts) from a pyramid level held as
// a texture, so a zoom or pan redraws without touching the cells on the CPU. Levels are uploaded once
// and kept (least recently drawn dropped past TEXTURE_BUDGET_BYTES, a panel's own dropped when it is
// disposed) as a 2D array texture: units wide in display order, tiles of up to MAX_TEXTURE_SIZE buckets
// as layers. Draws the GPU loop should not take (sidecar tiles, more than MAX_CELLS_PER_PIXEL cells
// under one pixel, more units than MAX_TEXTURE_SIZE) are rasterized on the CPU and copied in.
import { makeScratch, presentLevelFor, rasterizeGate, type RasterColours, type RasterInfo, type RasterJob, type RasterScratch } from '../core/view/raster';
import { BLIT_FS, FULLSCREEN_VS, heatmapFragmentShader, SMALL_BUCKETS, SMALL_UNITS } from './heatmap-gl-shaders';
import type { StoredValues } from '../core/trace/decoded';
import { mark } from './timing';

/** One pyramid level as uploaded: float32 values, or as the document stores it (float16 bits, uint8 codes). */
export type LevelSource = { dtype: 'float32'; values: Float32Array } | StoredValues;

/** GPU memory the shared context keeps for level textures before dropping the least recently drawn. */
/** Colour tables kept (1 KB each; every output has its own per gate and z view); the oldest go first. */
const MAX_LUTS = 64;
const TEXTURE_BUDGET_BYTES = 192 * 2 ** 20;
/** Above this many cells under one pixel the CPU raster is copied in instead (bounds the GPU loop). */
const MAX_CELLS_PER_PIXEL = 1024;

interface LevelTexture {
  tex: WebGLTexture;
  /** The drawer that uploaded it (its textures go when it is disposed). */
  owner: object;
  /** The display order the units were laid out in. */
  order: Int32Array;
  bytes: number;
  used: number;
  codes: boolean;
}

type Uniforms = Map<string, WebGLUniformLocation | null>;

export class GlHeatmapContext {
  /** Where the last draw's pixels were computed: the GPU program, or rasterizeGate copied in. */
  lastDraw: 'gpu' | 'cpu' | undefined;
  /** The texture format the last GPU draw read: the level as float32, or as stored (float16, uint8). */
  lastSource: LevelSource['dtype'] | undefined;
  /** Set once the context is lost; a later shared() makes a new one. */
  lost = false;
  /** True when the GPU is a software rasterizer (SwiftShader, llvmpipe), as the unmasked renderer says. */
  readonly software: boolean;
  private readonly lostListeners = new Set<() => void>();
  private readonly maxSide: number;
  private readonly maxLayers: number;
  /** Compiled on first use (a compile costs tens of ms in software GL). */
  private readonly programs: { float?: WebGLProgram; floatSmall?: WebGLProgram; codes?: WebGLProgram; codesSmall?: WebGLProgram; blit?: WebGLProgram } = {};
  private readonly uniforms = new Map<WebGLProgram, Uniforms>();
  private readonly levels = new Map<object, LevelTexture>();
  private levelBytes = 0;
  private readonly luts = new Map<Uint32Array, WebGLTexture>();
  private blitTex: WebGLTexture | undefined;
  private cpu: { pixels: Uint32Array; scratch: RasterScratch } | undefined;
  private clock = 0;

  /** The shared context (made on first use, again after a loss), or undefined where WebGL2 is missing or does not compile. */
  static shared(): GlHeatmapContext | undefined {
    if (shared && !shared.lost) return shared;
    shared = undefined;
    const canvas = document.createElement('canvas');
    const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, stencil: false, preserveDrawingBuffer: true, powerPreference: 'high-performance' });
    if (!gl) return undefined;
    try {
      shared = new GlHeatmapContext(canvas, gl);
    } catch {
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
    return shared;
  }

  /** Calls `fn` when the context is lost; returns the function that stops listening. */
  onLost(fn: () => void): () => void {
    this.lostListeners.add(fn);
    return () => this.lostListeners.delete(fn);
  }

  private constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly gl: WebGL2RenderingContext,
  ) {
    this.maxSide = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
    this.maxLayers = gl.getParameter(gl.MAX_ARRAY_TEXTURE_LAYERS) as number;
    this.programs.floatSmall = this.program(heatmapFragmentShader(false, true));
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    this.software = /swiftshader|llvmpipe|softpipe|software/i.test(ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '');
    canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault();
      this.lost = true;
      for (const fn of [...this.lostListeners]) fn();
    });
  }

  /** Draws the job into this.canvas (sized to job.cols x job.rows); `owner` is the panel's drawer. */
  draw(job: RasterJob, colours: RasterColours, owner: object): RasterInfo | undefined {
    const k = presentLevelFor((job.steps.end - job.steps.start) / job.cols, job.pyramid.levels);
    const L = job.pyramid.levels[k];
    if (!L) return this.drawOnCpu(job, colours);
    // The stored codes or half floats of the level when the job has them: a quarter or half the texture.
    return this.drawLevel(job, colours, k, job.stored?.k === k ? job.stored.source : { dtype: 'float32', values: L }, owner);
  }

  /**
   * Draws `job` from level k given as `source` (level k as the pyramid holds it, or its stored codes),
   * with the same means and colours as rasterizeGate over job.pyramid.levels[k].
   */
  drawLevel(job: RasterJob, colours: RasterColours, k: number, source: LevelSource, owner: object): RasterInfo | undefined {
    if (this.lost) return undefined;
    const { cols, rows } = job;
    this.size(cols, rows);
    const sp = (job.steps.end - job.steps.start) / cols;
    const up = (job.units.end - job.units.start) / rows;
    const bucket = 2 ** k;
    const perPixel = (Math.ceil(sp / bucket) + 1) * (Math.ceil(up) + 1);
    if ((job.fine && job.fine.k < k) || perPixel > MAX_CELLS_PER_PIXEL || job.pyramid.units > this.maxSide || job.order.length > this.maxSide) return this.drawOnCpu(job, colours);
    const t0 = performance.now();
    const level = this.levelTexture(source, job.pyramid.units, job.order, owner);
    if (!level) return this.drawOnCpu(job, colours);
    const gl = this.gl;
    // Buckets and units under one pixel at most (the span rules give ceil(per) or ceil(per) + 1).
    const small = Math.ceil(sp / bucket) + 1 <= SMALL_BUCKETS && Math.ceil(up) + 1 <= SMALL_UNITS;
    const ps = this.programs;
    const prog = level.codes
      ? small ? (ps.codesSmall ??= this.program(heatmapFragmentShader(true, true))) : (ps.codes ??= this.program(heatmapFragmentShader(true)))
      : small ? ps.floatSmall! : (ps.float ??= this.program(heatmapFragmentShader(false)));
    gl.useProgram(prog);
    const u = (name: string) => this.uniform(prog, name);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D_ARRAY, level.tex);
    gl.uniform1i(u('u_level'), 0);
    gl.activeTexture(gl.TEXTURE2);
    gl.bindTexture(gl.TEXTURE_2D, this.lutTexture(colours.lut));
    gl.uniform1i(u('u_lut'), 2);
    if (source.dtype === 'uint8') {
      gl.uniform1f(u('u_codeScale'), source.scale);
      gl.uniform1f(u('u_codeOffset'), source.offset);
    }
    gl.uniform1i(u('u_tileRows'), this.maxSide);
    gl.uniform1i(u('u_units'), job.pyramid.units);
    gl.uniform1i(u('u_valid'), job.pyramid.steps);
    gl.uniform1i(u('u_total'), job.totalSteps);
    gl.uniform1i(u('u_bucket'), bucket);
    gl.uniform1i(u('u_rows'), rows);
    gl.uniform1f(u('u_s0'), job.steps.start);
    gl.uniform1f(u('u_sp'), sp);
    gl.uniform1f(u('u_u0'), job.units.start);
    gl.uniform1f(u('u_up'), up);
    gl.uniform1f(u('u_lo'), colours.lo);
    gl.uniform1f(u('u_scale'), 255 / (colours.hi - colours.lo));
    gl.uniform4fv(u('u_nan'), unpack(colours.nan));
    gl.uniform4fv(u('u_pos'), unpack(colours.posInf));
    gl.uniform4fv(u('u_neg'), unpack(colours.negInf));
    gl.uniform4fv(u('u_masked'), unpack(colours.masked));
    gl.viewport(0, 0, cols, rows);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    mark('gatescope:raster', t0, performance.now());
    this.lastDraw = 'gpu';
    this.lastSource = source.dtype;
    return { stepsPerPixel: Math.max(1, sp), unitsPerPixel: Math.max(1, up), level: k, fineColumns: 0 };
  }

  /** Drops the level textures `owner` uploaded (its output is gone). */
  release(owner: object): void {
    for (const [key, v] of this.levels) {
      if (v.owner !== owner) continue;
      this.gl.deleteTexture(v.tex);
      this.levels.delete(key);
      this.levelBytes -= v.bytes;
    }
  }

  private size(w: number, h: number): void {
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
  }

  /** rasterizeGate on the CPU, then the pixels copied to the canvas. */
  private drawOnCpu(job: RasterJob, colours: RasterColours): RasterInfo | undefined {
    if (this.lost) return undefined;
    const { cols, rows } = job;
    this.size(cols, rows);
    if (!this.cpu || this.cpu.pixels.length < cols * rows || this.cpu.scratch.rowStart.length < rows) this.cpu = { pixels: new Uint32Array(cols * rows), scratch: makeScratch(rows) };
    const t0 = performance.now();
    const info = rasterizeGate(job, colours, this.cpu.scratch, this.cpu.pixels);
    const gl = this.gl;
    gl.activeTexture(gl.TEXTURE0);
    this.blitTex ??= this.texture(gl.TEXTURE_2D);
    gl.bindTexture(gl.TEXTURE_2D, this.blitTex);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, cols, rows, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(this.cpu.pixels.buffer, 0, cols * rows * 4));
    const blit = (this.programs.blit ??= this.program(BLIT_FS));
    gl.useProgram(blit);
    gl.uniform1i(this.uniform(blit, 'u_image'), 0);
    gl.uniform1i(this.uniform(blit, 'u_rows'), rows);
    gl.viewport(0, 0, cols, rows);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    mark('gatescope:raster', t0, performance.now());
    this.lastDraw = 'cpu';
    return info;
  }

  /**
   * The texture of a level of `units` units per bucket with its units in display `order` (uploaded on
   * first use, again after the order changed), or undefined past the texture limits.
   */
  private levelTexture(source: LevelSource, units: number, order: Int32Array, owner: object): LevelTexture | undefined {
    const key = source.dtype === 'float32' ? source.values : source.dtype === 'float16' ? source.bits : source.codes;
    const hit = this.levels.get(key);
    if (hit && hit.order === order) {
      hit.used = ++this.clock;
      return hit;
    }
    const gl = this.gl;
    if (hit) {
      gl.deleteTexture(hit.tex);
      this.levels.delete(key);
      this.levelBytes -= hit.bytes;
    }
    const data = inOrder(key, units, order);
    const buckets = Math.ceil(key.length / units);
    const R = this.maxSide;
    const layers = Math.max(1, Math.ceil(buckets / R));
    if (layers > this.maxLayers) return undefined;
    const height = Math.min(buckets, R);
    const [internal, format, type, bytesPer] =
      source.dtype === 'float32' ? [gl.R32F, gl.RED, gl.FLOAT, 4] : source.dtype === 'float16' ? [gl.R16F, gl.RED, gl.HALF_FLOAT, 2] : [gl.R8UI, gl.RED_INTEGER, gl.UNSIGNED_BYTE, 1];
    const tex = this.texture(gl.TEXTURE_2D_ARRAY);
    gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, internal, units, height, layers);
    for (let l = 0; l < layers; l++) {
      const rows = Math.min(R, buckets - l * R);
      gl.texSubImage3D(gl.TEXTURE_2D_ARRAY, 0, 0, 0, l, units, rows, 1, format, type, data, l * R * units);
    }
    const entry: LevelTexture = { tex, owner, order, bytes: units * height * layers * bytesPer, used: ++this.clock, codes: source.dtype === 'uint8' };
    this.levels.set(key, entry);
    this.levelBytes += entry.bytes;
    // Least recently drawn levels go first; the one just uploaded stays.
    for (const [k2, v] of [...this.levels].sort((a, b) => a[1].used - b[1].used)) {
      if (this.levelBytes <= TEXTURE_BUDGET_BYTES || v === entry) break;
      gl.deleteTexture(v.tex);
      this.levels.delete(k2);
      this.levelBytes -= v.bytes;
    }
    return entry;
  }

  private lutTexture(lut: Uint32Array): WebGLTexture {
    let tex = this.luts.get(lut);
    if (tex) return tex;
    const gl = this.gl;
    tex = this.texture(gl.TEXTURE_2D);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, 256, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(lut.buffer, lut.byteOffset, 1024));
    this.luts.set(lut, tex);
    if (this.luts.size > MAX_LUTS) {
      const [oldKey, oldTex] = this.luts.entries().next().value as [Uint32Array, WebGLTexture];
      gl.deleteTexture(oldTex);
      this.luts.delete(oldKey);
    }
    return tex;
  }

  /** A new texture bound to `target`, read with texelFetch only (nearest, no mipmaps). */
  private texture(target: number): WebGLTexture {
    const gl = this.gl;
    const tex = gl.createTexture();
    if (!tex) throw new Error('WebGL2: createTexture failed');
    gl.bindTexture(target, tex);
    gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    return tex;
  }

  private program(fs: string): WebGLProgram {
    const gl = this.gl;
    const p = gl.createProgram();
    if (!p) throw new Error('WebGL2: createProgram failed');
    for (const [type, src] of [[gl.VERTEX_SHADER, FULLSCREEN_VS], [gl.FRAGMENT_SHADER, fs]] as const) {
      const s = gl.createShader(type);
      if (!s) throw new Error('WebGL2: createShader failed');
      gl.shaderSource(s, src);
      gl.compileShader(s);
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(`WebGL2 shader: ${gl.getShaderInfoLog(s)}`);
      gl.attachShader(p, s);
    }
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(`WebGL2 program: ${gl.getProgramInfoLog(p)}`);
    return p;
  }

  private uniform(p: WebGLProgram, name: string): WebGLUniformLocation | null {
    let m = this.uniforms.get(p);
    if (!m) this.uniforms.set(p, (m = new Map()));
    if (!m.has(name)) m.set(name, this.gl.getUniformLocation(p, name));
    return m.get(name)!;
  }
}

let shared: GlHeatmapContext | undefined;

/** A level [bucket][unit] with each bucket's units in display order (the level itself when the order is the identity). */
function inOrder<T extends Float32Array | Uint16Array | Uint8Array>(level: T, units: number, order: Int32Array): T {
  let identity = order.length === units;
  for (let d = 0; identity && d < units; d++) identity = order[d] === d;
  if (identity) return level;
  const out = new (level.constructor as new (n: number) => T)(level.length);
  for (let base = 0; base < level.length; base += units) for (let d = 0; d < order.length; d++) out[base + d] = level[base + order[d]!]!;
  return out;
}

/** [r, g, b, a] in [0, 1] of a colour packed as RasterColours packs it (RGBA bytes in memory order). */
function unpack(px: number): Float32Array {
  const b = new Uint8Array(new Uint32Array([px]).buffer);
  return Float32Array.from(b, (x) => x / 255);
}
