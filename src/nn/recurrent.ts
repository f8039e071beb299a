// Recurrent layers (torch.nn.RNN, LSTM, GRU): multi-layer, bidirectional, batch-first, initial states, variable lengths, PyTorch's names and gate order.
import { Tensor } from "../ops/Tensor.js";
import { applyPrim } from "../ops/apply.js";
import { add, mul, sub, relu, sigmoid, tanh, where, lt } from "../ops/elementwise.js";
import { arange, zeros, tensor } from "../ops/creation.js";
import { reshape, transpose, unsqueeze } from "../ops/layout.js";
import { narrow, select } from "../ops/slicing.js";
import { cat, stack } from "../ops/join.js";
import { dropout as dropoutOp } from "../ops/dropout.js";
import { shapeStr, sameShape } from "../ops/_shape.js";
import { defineModule, type Module, type TensorSpec } from "./Module.js";
import { uniform } from "./init.js";
import { pyBool, pyFloat } from "./_pyrepr.js";
import { checkBool, checkInt, checkNumber } from "./_validate.js";

export interface RecurrentOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Stacked layers (default 1); layer l > 0 reads layer l-1's (both directions') outputs. */
  readonly numLayers?: number;
  /** Learn bias_ih and bias_hh (default true). */
  readonly bias?: boolean;
  /** Input and output are [N, L, H] instead of [L, N, H] (default false); states stay [layers·directions, N, H]. */
  readonly batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode (default 0). */
  readonly dropout?: number;
  /** Run a second, reversed pass per layer and concatenate both (default false). */
  readonly bidirectional?: boolean;
}

export interface RnnOptions extends RecurrentOptions {
  /** "tanh" (default) or "relu". */
  readonly nonlinearity?: "tanh" | "relu";
}

/**
 * What a recurrent layer reads: the sequence alone, or with initial states and per-sequence lengths.
 * Lengths (or a prefix mask [N, L], true on real steps) make the layer behave like PyTorch on a packed sequence:
 * outputs past a sequence's end are zero, its final state is the one at its last real step, and the reverse
 * direction starts at that step.
 */
export type RecurrentInput =
  | Tensor
  | {
      readonly input: Tensor;
      /** h_0: [numLayers·directions, N, H] ([numLayers·directions, H] for an unbatched input); zeros when absent. */
      readonly h0?: Tensor | undefined;
      /** c_0 (LSTM only), shaped like h0. */
      readonly c0?: Tensor | undefined;
      /** Real length of each sequence in the batch (each 1…L). */
      readonly lengths?: readonly number[] | Tensor | undefined;
      /** Alternative to lengths: bool [N, L], true on each sequence's real steps (a prefix). */
      readonly mask?: Tensor | undefined;
    };

/** The output sequence (both directions concatenated on the last axis) and the final states (PyTorch's h_n, c_n). */
export interface RecurrentOutput {
  readonly output: Tensor;
  readonly hN: Tensor;
  /** LSTM only. */
  readonly cN?: Tensor;
}

type Cell = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

const GATES: Record<Cell, number> = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 };

/** x [n, k] times wᵀ for w [m, k], reading w transposed in place (as Linear does). */
const mmT = (x: Tensor, w: Tensor): Tensor => {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[0]!;
  return reshape(applyPrim("matmul", [reshape(x, [1, n, k]), reshape(w, [1, m, k])], { transA: false, transB: true }), [n, m]);
};

const gate = (g: Tensor, i: number, h: number): Tensor => narrow(g, 1, i * h, h);

/** One step of a cell: the new (h, c) from the precomputed input projection xi [N, G·H] and the previous state. */
const step = (cell: Cell, xi: Tensor, h: Tensor, c: Tensor | undefined, whh: Tensor, bhh: Tensor | undefined, hs: number): [Tensor, Tensor | undefined] => {
  const hh0 = mmT(h, whh);
  const hh = bhh ? add(hh0, bhh) : hh0;
  switch (cell) {
    case "RNN_TANH":
      return [tanh(add(xi, hh)), undefined];
    case "RNN_RELU":
      return [relu(add(xi, hh)), undefined];
    case "LSTM": {
      // PyTorch's gate order: input, forget, cell (g), output.
      const g = add(xi, hh);
      const i = sigmoid(gate(g, 0, hs));
      const f = sigmoid(gate(g, 1, hs));
      const gg = tanh(gate(g, 2, hs));
      const o = sigmoid(gate(g, 3, hs));
      const c2 = add(mul(f, c!), mul(i, gg));
      return [mul(o, tanh(c2)), c2];
    }
    case "GRU": {
      // Gate order reset, update, new; the reset gate scales W_hn·h + b_hn (PyTorch's formulation, not the paper's).
      const r = sigmoid(add(gate(xi, 0, hs), gate(hh, 0, hs)));
      const z = sigmoid(add(gate(xi, 1, hs), gate(hh, 1, hs)));
      const n = tanh(add(gate(xi, 2, hs), mul(r, gate(hh, 2, hs))));
      return [add(n, mul(z, sub(h, n))), undefined];
    }
  }
};

const recurrent = (kind: string, cell: Cell, o: RecurrentOptions): Module<RecurrentInput, RecurrentOutput> => {
  const { inputSize, hiddenSize: hs, numLayers = 1, bias = true, batchFirst = false, dropout = 0, bidirectional = false } = o;
  checkInt(kind, "inputSize", inputSize, 0);
  checkInt(kind, "hiddenSize", hs);
  checkInt(kind, "numLayers", numLayers);
  checkBool(kind, "bias", bias);
  checkBool(kind, "batchFirst", batchFirst);
  checkBool(kind, "bidirectional", bidirectional);
  checkNumber(kind, "dropout", dropout);
  if (!(dropout >= 0 && dropout <= 1)) throw new Error(`${kind}: dropout must be a number in [0, 1], got ${dropout}`);
  const dirs = bidirectional ? 2 : 1;
  const g = GATES[cell];
  const bound = 1 / Math.sqrt(hs);
  const init = uniform({ a: -bound, b: bound });
  const names = (l: number, d: number): { wih: string; whh: string; bih: string; bhh: string } => {
    const s = `_l${l}${d === 1 ? "_reverse" : ""}`;
    return { wih: `weight_ih${s}`, whh: `weight_hh${s}`, bih: `bias_ih${s}`, bhh: `bias_hh${s}` };
  };
  const params: Record<string, TensorSpec> = {};
  for (let l = 0; l < numLayers; l++)
    for (let d = 0; d < dirs; d++) {
      const n = names(l, d);
      params[n.wih] = { shape: [g * hs, l === 0 ? inputSize : dirs * hs], init };
      params[n.whh] = { shape: [g * hs, hs], init };
      if (bias) {
        params[n.bih] = { shape: [g * hs], init };
        params[n.bhh] = { shape: [g * hs], init };
      }
    }
  const isLstm = cell === "LSTM";
  const extra =
    `${inputSize}, ${hs}` +
    (numLayers !== 1 ? `, num_layers=${numLayers}` : "") +
    (!bias ? `, bias=${pyBool(bias)}` : "") +
    (batchFirst ? `, batch_first=${pyBool(batchFirst)}` : "") +
    (dropout !== 0 ? `, dropout=${pyFloat(dropout)}` : "") +
    (bidirectional ? `, bidirectional=${pyBool(bidirectional)}` : "");
  return defineModule({
    kind,
    config: { inputSize, hiddenSize: hs, numLayers, bias, batchFirst, dropout, bidirectional, ...(cell.startsWith("RNN") ? { nonlinearity: cell === "RNN_RELU" ? "relu" : "tanh" } : {}) },
    extraRepr: extra,
    params: params as { readonly [name: string]: TensorSpec },
    forward: (ctx, arg: RecurrentInput) => {
      const { params: p, fail, training } = ctx;
      const a = arg instanceof Tensor ? undefined : arg;
      const x0 = a ? a.input : (arg as Tensor);
      if (!(x0 instanceof Tensor)) fail(`input must be a tensor or { input, h0?, c0?, lengths?, mask? }, got ${typeof x0}`);
      if (x0.dtype !== "float32") fail(`input must be float32, got ${x0.dtype} (shape ${shapeStr(x0.shape)})`);
      if (x0.ndim !== 2 && x0.ndim !== 3) fail(`input must be 2-D (unbatched) or 3-D, got shape ${shapeStr(x0.shape)}`);
      if (x0.shape[x0.ndim - 1] !== inputSize) fail(`input shape ${shapeStr(x0.shape)} must end in inputSize=${inputSize}`);
      const unbatched = x0.ndim === 2;
      // Work time-major [L, N, I] throughout.
      const x = unbatched ? unsqueeze(x0, 1) : batchFirst ? transpose(x0, 0, 1) : x0;
      const [T, N] = x.shape as [number, number, number];
      const stateShape = [numLayers * dirs, N, hs];
      const readState = (t: Tensor | undefined, name: string): Tensor => {
        if (t === undefined) return zeros(stateShape);
        const s = unbatched ? unsqueeze(t, 1) : t;
        if (!sameShape(s.shape, stateShape))
          fail(`${name} has shape ${shapeStr(t.shape)}, expected ${shapeStr(unbatched ? [numLayers * dirs, hs] : stateShape)}`);
        return s;
      };
      if (a?.c0 !== undefined && !isLstm) fail(`c0 is only for LSTM`);
      const h0 = readState(a?.h0, "h0");
      const c0 = isLstm ? readState(a?.c0, "c0") : undefined;
      // Per-step masks [N, 1]: true while t < length.
      let lengths: number[] | undefined;
      if (a?.lengths !== undefined && a.mask !== undefined) fail(`give lengths or mask, not both`);
      if (a?.lengths !== undefined) {
        lengths = Array.isArray(a.lengths) ? [...(a.lengths as readonly number[])] : Array.from((a.lengths as Tensor).dataSync(), Number);
      } else if (a?.mask !== undefined) {
        const m = a.mask;
        if (m.dtype !== "bool" || !sameShape(m.shape, [N, T])) fail(`mask must be bool of shape ${shapeStr([N, T])} ([N, L]), got ${m.dtype} ${shapeStr(m.shape)}`);
        const d = m.dataSync();
        lengths = Array.from({ length: N }, (_, b) => {
          let len = 0;
          while (len < T && d[b * T + len]) len++;
          for (let t = len; t < T; t++) if (d[b * T + t]) fail(`mask row ${b} is not a prefix (true after a false at step ${len})`);
          return len;
        });
      }
      if (lengths !== undefined) {
        if (lengths.length !== N) fail(`lengths has ${lengths.length} entries for a batch of ${N}`);
        lengths.forEach((len, b) => {
          if (!Number.isInteger(len) || len < 1 || len > T) fail(`lengths[${b}] = ${len} must be an integer in 1…${T}`);
        });
      }
      const masks = lengths === undefined ? undefined : (() => {
        const lt2 = lt(reshape(arange(0, T), [T, 1, 1]), reshape(tensor(lengths, { dtype: "float32" }), [1, N, 1]));
        return Array.from({ length: T }, (_, t) => select(lt2, 0, t));
      })();
      let layerIn = x;
      const hN: Tensor[] = [];
      const cN: Tensor[] = [];
      for (let l = 0; l < numLayers; l++) {
        const outs: Tensor[] = [];
        for (let d = 0; d < dirs; d++) {
          const n = names(l, d);
          const inDim = layerIn.shape[2]!;
          // The input projection for all steps at once; only h·W_hh stays inside the loop.
          const xp0 = mmT(reshape(layerIn, [T * N, inDim]), p[n.wih]!);
          const xp = reshape(bias ? add(xp0, p[n.bih]!) : xp0, [T, N, g * hs]);
          let h = select(h0, 0, l * dirs + d);
          let c = c0 ? select(c0, 0, l * dirs + d) : undefined;
          const ys: Tensor[] = new Array<Tensor>(T);
          for (let k = 0; k < T; k++) {
            const t = d === 0 ? k : T - 1 - k;
            const [h2, c2] = step(cell, select(xp, 0, t), h, c, p[n.whh]!, bias ? p[n.bhh] : undefined, hs);
            if (masks) {
              const m = masks[t]!;
              h = where(m, h2, h);
              if (c2) c = where(m, c2, c!);
              ys[t] = where(m, h2, 0);
            } else {
              h = h2;
              c = c2;
              ys[t] = h2;
            }
          }
          outs.push(stack(ys, 0));
          hN.push(h);
          if (c) cN.push(c);
        }
        const y = dirs === 2 ? cat(outs, 2) : outs[0]!;
        layerIn = training && dropout > 0 && l < numLayers - 1 ? dropoutOp(ctx.key(), y, { p: dropout, training: true }) : y;
      }
      const out = unbatched ? select(layerIn, 1, 0) : batchFirst ? transpose(layerIn, 0, 1) : layerIn;
      const fin = (xs: Tensor[]): Tensor => (unbatched ? select(stack(xs, 0), 1, 0) : stack(xs, 0));
      return isLstm ? { output: out, hN: fin(hN), cN: fin(cN) } : { output: out, hN: fin(hN) };
    },
  });
};

/**
 * An Elman RNN, h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh) (torch.nn.RNN); weights uniform on ±1/√hiddenSize.
 * @example
 * const rnn = nn.rnn({ inputSize: 10, hiddenSize: 20, numLayers: 2 });
 * const { output, hN } = rnn.forward(rnn.init(key(0)).params, randn(key(1), [5, 3, 10])); // [5, 3, 20], [2, 3, 20]
 */
export const rnn = ({ nonlinearity = "tanh", ...o }: RnnOptions): Module<RecurrentInput, RecurrentOutput> => {
  if (nonlinearity !== "tanh" && nonlinearity !== "relu") throw new Error(`RNN: nonlinearity must be "tanh" or "relu", got ${String(nonlinearity)}`);
  return recurrent("RNN", nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", o);
};

/**
 * Long short-term memory (torch.nn.LSTM), gates in PyTorch's order i, f, g, o; returns output, hN and cN.
 * @example
 * const lstm = nn.lstm({ inputSize: 10, hiddenSize: 20, bidirectional: true, batchFirst: true });
 * const { output, hN, cN } = lstm.forward(params, { input: x, lengths: [5, 3] });
 */
export const lstm = (o: RecurrentOptions): Module<RecurrentInput, RecurrentOutput> => recurrent("LSTM", "LSTM", o);

/**
 * Gated recurrent unit (torch.nn.GRU), gates in PyTorch's order r, z, n with n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)).
 * @example
 * const gru = nn.gru({ inputSize: 10, hiddenSize: 20, numLayers: 2 });
 * const { output, hN } = gru.forward(params, { input: x, h0 });
 */
export const gru = (o: RecurrentOptions): Module<RecurrentInput, RecurrentOutput> => recurrent("GRU", "GRU", o);
