// Winograd minimal-filtering convolutions (Lavin & Gray 2015) for the CPU: forward, input gradient and weight gradient.
//
// A stride-1 convolution with an r×r kernel is cut into m×m output tiles; each needs an α×α input tile (α = m + r − 1)
// and, in the Winograd domain, only α² products per channel pair instead of m²r². All three passes are
//   transform → α² independent GEMMs over the channels (the existing gemm_block, threaded) → transform,
// with every transform X = L·D·Lᵀ done by winograd.c, four tiles to a vector, threaded over planes:
//   forward         Y  = Aᵀ[ Σ_c (G w Gᵀ) ⊙ (Bᵀ d B) ]A             (U = Gw Gᵀ: [α²][K][C], V: [α²][C][tiles])
//   input gradient  the forward pass on g with the kernel flipped and transposed (padding r − 1 − p)
//   weight gradient dW = Gᵀ[ Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B) ]G           (the transposed bilinear algorithm)
// The matrices come from Cook–Toom interpolation at the points 0, ±1, ±2, ±½ (and ∞), built in float64 here. The
// extra rounding of the transforms grows with α; the tile per kernel size (TILES) was chosen by measured speed and
// error against float64 (docs/cpu-performance.md). Results do not depend on the thread count.
import type { Buf, CompositeKernel, OutSpec } from "../backend.js";
import { allocFor, type AnyTypedArray } from "../dtype.js";
import type { ConvParams } from "../primitive.js";
import { runGemmJob, runWinogradJob } from "./_gemmPool.js";
import { wasmCall, type WasmCall } from "./_wasmCall.js";

type Arr = AnyTypedArray;

/** When Winograd runs: "auto" (fitting convolutions with enough channels), "always" (every fitting one), "off". */
export type WinogradMode = "auto" | "always" | "off";
const envMode = globalThis.process?.env?.["RIVULET_CPU_WINOGRAD"];
/** RIVULET_CPU_WINOGRAD=0 turns Winograd off, =always runs it on every convolution that fits; default "auto". */
let mode: WinogradMode = envMode === "0" || envMode === "off" ? "off" : envMode === "always" ? "always" : "auto";

/** Selects when the Winograd kernels run (tests and benchmarks compare them with the direct kernels); returns the previous mode. */
export const setWinogradMode = (next: WinogradMode): WinogradMode => {
  const prev = mode;
  mode = next;
  return prev;
};

/** Output tile side m per kernel side r: F(m×m, r×r). */
const TILES = new Map<number, number>([[3, 4], [5, 4]]);

/** Overrides the output tile side for r×r kernels (benchmarks and accuracy measurements); returns the previous one. */
export const setWinogradTile = (r: number, m: number): number | undefined => {
  if (!(r >= 2 && m >= 1 && m + r - 1 <= 8)) throw new Error(`setWinogradTile: F(${m}, ${r}) needs a tile of at most 8 (m + r − 1 = ${m + r - 1})`);
  const prev = TILES.get(r);
  TILES.set(r, m);
  return prev;
};

/** Below this many channels on either side (in "auto" mode) the direct kernels win: the GEMMs are too thin. */
const MIN_CHANNELS = 16;
/** The Winograd-domain matrices of one call stay under this many floats (else the direct kernels run). */
const MAX_FLOATS = 1 << 26;
/** Interpolation points, in the order they are taken: the small ones first keep the transforms' error low. */
const POINTS = [0, 1, -1, 2, -2, 0.5, -0.5];

/** The transform matrices of F(m, r): Aᵀ (m×α), G (α×r), Bᵀ (α×α), row-major float64. */
export interface WinogradMatrices {
  readonly m: number;
  readonly r: number;
  readonly alpha: number;
  readonly AT: Float64Array;
  readonly G: Float64Array;
  readonly BT: Float64Array;
}

/** Solves V·X = I (Gauss–Jordan with partial pivoting) for a small n×n matrix. */
const inverse = (V: Float64Array, n: number): Float64Array => {
  const a = Float64Array.from(V), inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(a[i * n + col]!) > Math.abs(a[piv * n + col]!)) piv = i;
    for (let j = 0; j < n; j++) {
      [a[col * n + j], a[piv * n + j]] = [a[piv * n + j]!, a[col * n + j]!];
      [inv[col * n + j], inv[piv * n + j]] = [inv[piv * n + j]!, inv[col * n + j]!];
    }
    const d = a[col * n + col]!;
    for (let j = 0; j < n; j++) (a[col * n + j]! /= d), (inv[col * n + j]! /= d);
    for (let i = 0; i < n; i++) {
      if (i === col) continue;
      const f = a[i * n + col]!;
      if (f === 0) continue;
      for (let j = 0; j < n; j++) (a[i * n + j]! -= f * a[col * n + j]!), (inv[i * n + j]! -= f * inv[col * n + j]!);
    }
  }
  return inv;
};

/**
 * The Cook–Toom matrices of F(m, r) at the first α − 1 POINTS and ∞: the correlation y = Aᵀ[(G g) ⊙ (Bᵀ d)] is the
 * transpose of the polynomial product evaluated there (Aᵀ, G: Vandermonde rows; Bᵀ = V⁻ᵀ of the α points), with each
 * Bᵀ row scaled by ∏(aᵢ − aₖ) and the matching G row divided by it, so Bᵀ holds the small exact coefficients.
 */
export const winogradMatrices = (m: number, r: number): WinogradMatrices => {
  const alpha = m + r - 1, pts = POINTS.slice(0, alpha - 1);
  if (alpha > 8 || pts.length !== alpha - 1) throw new Error(`winogradMatrices: F(${m}, ${r}) needs ${alpha - 1} points; at most 7 are defined`);
  const pow = (a: number, e: number): number => a ** e;
  const AT = new Float64Array(m * alpha), G = new Float64Array(alpha * r), V = new Float64Array(alpha * alpha);
  for (let x = 0; x < alpha; x++) {
    const inf = x === alpha - 1;
    for (let i = 0; i < m; i++) AT[i * alpha + x] = inf ? (i === m - 1 ? 1 : 0) : pow(pts[x]!, i);
    for (let j = 0; j < r; j++) G[x * r + j] = inf ? (j === r - 1 ? 1 : 0) : pow(pts[x]!, j);
    for (let l = 0; l < alpha; l++) V[x * alpha + l] = inf ? (l === alpha - 1 ? 1 : 0) : pow(pts[x]!, l);
  }
  const Vi = inverse(V, alpha), BT = new Float64Array(alpha * alpha);
  for (let x = 0; x < alpha; x++) {
    let f = 1;
    if (x < alpha - 1) for (let k = 0; k < alpha - 1; k++) if (k !== x) f *= pts[x]! - pts[k]!;
    for (let l = 0; l < alpha; l++) BT[x * alpha + l] = Math.round(Vi[l * alpha + x]! * f * 1e9) / 1e9; // V⁻ᵀ, cleaned of round-off
    for (let j = 0; j < r; j++) G[x * r + j]! /= f;
  }
  return { m, r, alpha, AT, G, BT };
};

/** The tiles winograd.c has unrolled with constant matrices (these same ones, in float32): F(4, 3) and F(4, 5). */
const BUILT_IN = new Set(["4,3", "4,5"]);
/** A tile's matrices and, for a built-in one, its α (winograd.c then uses its constants), else 0. */
type Tile = WinogradMatrices & { readonly fixed: number };
const matrices = new Map<string, Tile>();
const matricesFor = (m: number, r: number): Tile => {
  const key = `${m},${r}`;
  let mt = matrices.get(key);
  if (mt === undefined) {
    const w = winogradMatrices(m, r);
    matrices.set(key, (mt = { ...w, fixed: BUILT_IN.has(key) ? w.alpha : 0 }));
  }
  return mt;
};

const transpose = (a: Float64Array, rows: number, cols: number): Float64Array => {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
};

/**
 * Whether the Winograd kernels take a convolution with input channels `cin`, output channels `cout`, kernel kh×kw
 * and parameters p: float32, stride 1, dilation 1, groups 1, a square kernel with a tile defined, and (in "auto"
 * mode) at least MIN_CHANNELS channels on both sides.
 */
export const winogradFits = (cin: number, cout: number, kh: number, kw: number, p: ConvParams): boolean =>
  mode !== "off" && kh === kw && TILES.has(kh) && p.groups === 1 &&
  p.stride[0] === 1 && p.stride[1] === 1 && p.dilation[0] === 1 && p.dilation[1] === 1 &&
  (mode === "always" || Math.min(cin, cout) >= MIN_CHANNELS);

const f32 = (b: Buf<Arr> | undefined): Float32Array | null => (b !== undefined && b.data instanceof Float32Array ? b.data : null);

// winograd.c's descriptor words, in order.
const WG_WORDS = 19;
const DATA = 0, OUTPUT = 1, FILTERS = 2, FILTERS_BACK = 3;

interface Job {
  readonly kind: number;
  readonly src: number;
  readonly dst: number;
  readonly L: Float64Array;
  readonly p: number;
  readonly q: number;
  readonly planes: number;
  readonly C?: number;
  readonly h?: number;
  readonly w?: number;
  readonly pt?: number;
  readonly pl?: number;
  readonly ty?: number;
  readonly tx?: number;
  readonly m?: number;
  readonly T?: number;
  readonly flip?: boolean;
  /** The built-in tile (winograd.c's constant matrices) this job's L belongs to: its α, or 0 for the generic loop. */
  readonly fixed: number;
}

/** Blocks of a transform job: about 4 per thread, whole groups of 4 filter planes for the filter transforms. */
const BLOCKS_PER_THREAD = 4;

/** Runs one transform job of winograd.c (threaded over planes when large); throws when a thread's scratch is too small. */
const transform = (c: WasmCall, j: Job): boolean => {
  const arena = c.arena;
  const Lp = c.temp(j.L.length * 4), desc = c.temp(WG_WORDS * 4);
  new Float32Array(arena.buffer(), Lp, j.L.length).set(j.L);
  const words = [j.kind, j.src, j.dst, Lp, j.p, j.q, j.planes, j.C ?? 1, j.h ?? 0, j.w ?? 0, j.pt ?? 0, j.pl ?? 0,
    j.ty ?? 1, j.tx ?? 1, j.m ?? 1, 0, j.flip ? 1 : 0, j.T ?? 0, j.fixed];
  const filters = j.kind === FILTERS || j.kind === FILTERS_BACK;
  const per0 = Math.ceil(j.planes / Math.max(1, BLOCKS_PER_THREAD * arena.threads));
  const per = filters ? Math.ceil(per0 / 4) * 4 : per0;
  words[15] = per;
  const i32 = new Int32Array(arena.buffer(), desc, WG_WORDS);
  i32.set(words);
  if (arena.exports.wino_scratch_floats(desc) > arena.exports.scratch_floats()) return false;
  const blocks = Math.ceil(j.planes / per);
  const work = j.planes * j.p * j.p * j.q * ((j.T ?? 4) / Math.max(1, j.planes));
  if (blocks < 2 || !runWinogradJob(arena, desc, blocks, work))
    for (let b = 0; b < blocks; b++) arena.exports.wino_block(desc, b, arena.scratch(0));
  return true;
};

/** C_b (m×n) = op(A_b) · op(B_b) for b < batch, at byte pointers a, b, c (float32, row-major, consecutive). */
const batchedGemm = (c: WasmCall, a: number, transA: boolean, b: number, transB: boolean, out: number, batch: number, m: number, k: number, n: number): void => {
  const arena = c.arena;
  if (runGemmJob(arena, a / 4, batch, transA, b / 4, batch, transB, out / 4, batch, m, k, n)) return;
  for (let i = 0; i < batch; i++)
    arena.exports.gemm_block(a + i * m * k * 4, transA ? 1 : 0, b + i * k * n * 4, transB ? 1 : 0, out + i * m * n * 4, m, k, n, 0, m, 0, n, arena.scratch(0));
};

/**
 * The row length of the Winograd-domain matrices for `tiles` tiles: a few columns more (zeroed, ignored) where that
 * keeps the α² matrices' rows of one tile off the same cache sets. Rows a multiple of 4 KiB apart all fall in one set
 * of the L1 (and L2) cache: the transforms, which touch one element in each of the α² matrices per tile, then miss on
 * every access (4 ms instead of ~1 for CIFAR's conv3 output transform).
 */
const rowLength = (tiles: number, C: number, K: number, a2: number): number => {
  const sets = (stride: number): number => new Set(Array.from({ length: a2 }, (_, i) => Math.floor(((i * stride * 4) % 4096) / 64))).size;
  const want = Math.min(32, a2);
  for (let t = tiles; t < tiles + 64; t++) if (sets(C * t) >= want && sets(K * t) >= want) return t;
  return tiles;
};

/**
 * y [N, K, OH, OW] from x [N, C, H, W] (at byte pointer xs) and the filters' Winograd transform U ([α²][K][C] at us,
 * or [α²][C][K] when `transU`), zero-padded by (pt, pl): the data transform, the α² GEMMs and the output transform.
 */
const forwardInto = (
  c: WasmCall, mt: Tile, xs: number, us: number, transU: boolean, y: number,
  n: number, C: number, h: number, w: number, K: number, oh: number, ow: number, pt: number, pl: number,
): boolean => {
  const { m, alpha } = mt, a2 = alpha * alpha;
  const ty = Math.ceil(oh / m), tx = Math.ceil(ow / m), T = rowLength(n * ty * tx, C, K, a2);
  if (a2 * Math.max(C, K) * T > MAX_FLOATS) return false;
  const V = c.temp(a2 * C * T * 4), M = c.temp((a2 * K * T + 4) * 4);
  if (!transform(c, { kind: DATA, src: xs, dst: V, L: mt.BT, fixed: mt.fixed, p: alpha, q: alpha, planes: n * C, C, h, w, pt, pl, ty, tx, m, T })) return false;
  batchedGemm(c, us, transU, V, false, M, a2, K, C, T);
  return transform(c, { kind: OUTPUT, src: M, dst: y, L: mt.AT, fixed: mt.fixed, p: m, q: alpha, planes: n * K, C: K, h: oh, w: ow, ty, tx, m, T });
};

/** conv by Winograd (null where it does not fit: the direct kernels run). */
export const winogradConv: CompositeKernel<Arr, "conv"> = ([x, w], p, out: OutSpec) => {
  const X = f32(x), W = f32(w);
  if (X === null || W === null || out.dtype !== "float32") return null;
  const [n, C, h, wd] = x!.shape as [number, number, number, number];
  const [K, , r, r2] = w!.shape as [number, number, number, number];
  const [, , oh, ow] = out.shape as [number, number, number, number];
  if (!winogradFits(C, K, r, r2, p) || n * K * oh * ow === 0) return null;
  const mt = matricesFor(TILES.get(r)!, r), a2 = mt.alpha * mt.alpha;
  return wasmCall((c) => {
    const xs = c.operand(X), ws = c.operand(W), y = c.result("float32", n * K * oh * ow);
    const U = c.temp(a2 * K * C * 4);
    transform(c, { kind: FILTERS, src: ws, dst: U, L: mt.G, fixed: mt.fixed, p: mt.alpha, q: r, planes: K * C });
    return forwardInto(c, mt, xs, U, false, y.ptr, n, C, h, wd, K, oh, ow, p.padding[0], p.padding[2]) ? y.finish() : null;
  });
};

/** convInputGrad by Winograd: the forward algorithm on g with the flipped kernel, transposed (padding r − 1 − p). */
export const winogradConvInputGrad: CompositeKernel<Arr, "convInputGrad"> = ([g, w], p, out: OutSpec) => {
  const G = f32(g), W = f32(w);
  if (G === null || W === null || out.dtype !== "float32") return null;
  const [n, K, oh, ow] = g!.shape as [number, number, number, number];
  const [, , r, r2] = w!.shape as [number, number, number, number];
  const [, C, h, wd] = out.shape as [number, number, number, number];
  if (!winogradFits(C, K, r, r2, p) || n * C * h * wd === 0) return null;
  const mt = matricesFor(TILES.get(r)!, r), a2 = mt.alpha * mt.alpha;
  return wasmCall((c) => {
    const gs = c.operand(G), ws = c.operand(W), dx = c.result("float32", n * C * h * wd);
    // U of the flipped kernels, [α²][K][C]: the GEMMs read it transposed (C×K), so the kernel is transposed too.
    const U = c.temp(a2 * K * C * 4);
    transform(c, { kind: FILTERS, src: ws, dst: U, L: mt.G, fixed: mt.fixed, p: mt.alpha, q: r, planes: K * C, flip: true });
    return forwardInto(c, mt, gs, U, true, dx.ptr, n, K, oh, ow, C, h, wd, r - 1 - p.padding[0], r - 1 - p.padding[2]) ? dx.finish() : null;
  });
};

/** convWeightGrad by Winograd: dW = Gᵀ[Σ over samples and tiles (A dY Aᵀ) ⊙ (Bᵀ d B)]G, the sum a GEMM over the tiles. */
export const winogradConvWeightGrad: CompositeKernel<Arr, "convWeightGrad"> = ([x, g], p, out: OutSpec) => {
  const X = f32(x), Gd = f32(g);
  if (X === null || Gd === null || out.dtype !== "float32") return null;
  const [n, C, h, wd] = x!.shape as [number, number, number, number];
  const [, K, oh, ow] = g!.shape as [number, number, number, number];
  const [r, r2] = p.kernel;
  if (!winogradFits(C, K, r, r2, p)) return null;
  if (n * oh * ow === 0 || K * C === 0) return allocFor("float32", K * C * r * r) as Float32Array; // no windows: no terms
  const mt = matricesFor(TILES.get(r)!, r), { m, alpha } = mt, a2 = alpha * alpha;
  const ty = Math.ceil(oh / m), tx = Math.ceil(ow / m), T = rowLength(n * ty * tx, C, K, a2);
  if (a2 * Math.max(C, K) * T > MAX_FLOATS) return null;
  return wasmCall((c) => {
    const xs = c.operand(X), gs = c.operand(Gd), dw = c.result("float32", K * C * r * r);
    const V = c.temp(a2 * C * T * 4), Gt = c.temp(a2 * K * T * 4), S = c.temp(a2 * K * C * 4);
    if (!transform(c, { kind: DATA, src: xs, dst: V, L: mt.BT, fixed: mt.fixed, p: alpha, q: alpha, planes: n * C, C, h, w: wd, pt: p.padding[0], pl: p.padding[2], ty, tx, m, T })) return null;
    // A dY Aᵀ of each m×m tile of g (cut at g's edge): L = A = (Aᵀ)ᵀ.
    if (!transform(c, { kind: DATA, src: gs, dst: Gt, L: transpose(mt.AT, m, alpha), fixed: mt.fixed, p: alpha, q: m, planes: n * K, C: K, h: oh, w: ow, ty, tx, m, T })) return null;
    batchedGemm(c, Gt, false, V, true, S, a2, K, T, C);
    transform(c, { kind: FILTERS_BACK, src: S, dst: dw.ptr, L: transpose(mt.G, alpha, r), fixed: mt.fixed, p: r, q: alpha, planes: K * C });
    return dw.finish();
  });
};
