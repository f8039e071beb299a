// Einstein summation (torch.einsum): diagonals and lone sums per operand, then left-to-right pairwise contractions as batched matmuls.
import type { Tensor } from "./Tensor.js";
import { applyPrim } from "./apply.js";
import { shapeStr } from "./_shape.js";
import { sum } from "./reduce.js";
import { expand, permute, reshape } from "./layout.js";
import { matmul } from "./linalg.js";

/** A subscript: a letter's char code, or a negative number for the k-th-from-last ellipsis dimension. */
type Label = number;

interface Term {
  readonly t: Tensor;
  readonly labels: readonly Label[];
}

const name = (l: Label): string => (l >= 0 ? String.fromCharCode(l) : `...[${l}]`);

/** Letters and at most one "..." of one term; `ellipsis` is the ellipsis position or -1. */
const tokenize = (eq: string, term: string): { letters: Label[]; ellipsis: number } => {
  const letters: Label[] = [];
  let ellipsis = -1;
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (/[a-zA-Z]/.test(c)) letters.push(c.charCodeAt(0));
    else if (term.startsWith("...", i) && ellipsis < 0) { ellipsis = letters.length; i += 2; }
    else throw new Error(`einsum: invalid subscript "${c}" in equation "${eq}" (letters and one "..." per term)`);
  }
  return { letters, ellipsis };
};

/** Expands "..." into `count` ellipsis labels, right-aligned so operands of different ranks broadcast. */
const withEllipsis = ({ letters, ellipsis }: { letters: Label[]; ellipsis: number }, count: number): Label[] =>
  ellipsis < 0 ? letters : [...letters.slice(0, ellipsis), ...Array.from({ length: count }, (_, k) => k - count), ...letters.slice(ellipsis)];

const parse = (equation: string, operands: readonly Tensor[]): { terms: Term[]; output: Label[] } => {
  const eq = equation.replace(/\s+/g, "");
  const arrow = eq.split("->");
  if (arrow.length > 2) throw new Error(`einsum: equation "${equation}" has more than one "->"`);
  const inputs = arrow[0]!.split(",");
  if (inputs.length !== operands.length)
    throw new Error(`einsum: equation "${equation}" names ${inputs.length} operand${inputs.length === 1 ? "" : "s"} but ${operands.length} were given`);
  let rank = 0;
  const terms = inputs.map((s, i): Term => {
    const tok = tokenize(equation, s);
    const t = operands[i]!;
    const extra = t.ndim - tok.letters.length;
    if (tok.ellipsis < 0 ? extra !== 0 : extra < 0)
      throw new Error(`einsum: subscripts "${s}" do not fit operand ${i} of shape ${shapeStr(t.shape)} (${tok.letters.length} letters${tok.ellipsis < 0 ? ", no ellipsis" : " and an ellipsis"})`);
    rank = Math.max(rank, tok.ellipsis < 0 ? 0 : extra);
    return { t, labels: withEllipsis(tok, extra) };
  });
  const all = terms.flatMap((x) => x.labels);
  let output: Label[];
  if (arrow.length === 2) {
    output = withEllipsis(tokenize(equation, arrow[1]!), rank);
    output.forEach((l, i) => {
      if (output.indexOf(l) !== i) throw new Error(`einsum: output subscript ${name(l)} appears more than once in "${equation}"`);
      if (!all.includes(l)) throw new Error(`einsum: output subscript ${name(l)} does not appear in any input of "${equation}"`);
    });
  } else {
    // Implicit output: the ellipsis dimensions, then the letters used exactly once, alphabetically.
    const once = [...new Set(all)].filter((l) => l >= 0 && all.indexOf(l) === all.lastIndexOf(l)).sort((a, b) => a - b);
    output = [...Array.from({ length: rank }, (_, k) => k - rank), ...once];
  }
  return { terms, output };
};

/** Checks that every label has one size (or 1, which broadcasts); repeated labels in an operand must match exactly. */
const checkSizes = (equation: string, terms: readonly Term[]): void => {
  const size = new Map<Label, [number, number]>();
  terms.forEach(({ t, labels }, i) =>
    labels.forEach((l, d) => {
      const n = t.shape[d]!;
      const own = labels.indexOf(l);
      if (own !== d && t.shape[own] !== n)
        throw new Error(`einsum: subscript ${name(l)} is repeated in operand ${i} with different sizes (${t.shape[own]} and ${n}) in "${equation}"`);
      const seen = size.get(l);
      if (seen && seen[0] !== n && seen[0] !== 1 && n !== 1)
        throw new Error(`einsum: subscript ${name(l)} has size ${seen[0]} in operand ${seen[1]} but ${n} in operand ${i} in "${equation}"`);
      if (!seen || seen[0] === 1) size.set(l, [n, i]);
    }),
  );
};

/** The diagonal over axes p < q with equal sizes, placed last: flatten the pair and step by n + 1. */
const diagonal = ({ t, labels }: Term, p: number, q: number): Term => {
  const rest = labels.map((_, i) => i).filter((i) => i !== p && i !== q);
  const n = t.shape[p]!;
  const moved = permute(t, [...rest, p, q]);
  const flat = reshape(moved, [...rest.map((i) => t.shape[i]!), n * n]);
  const last = flat.ndim - 1;
  const diag = applyPrim("slice", [flat], {
    begin: flat.shape.map(() => 0),
    end: [...flat.shape],
    step: flat.shape.map((_, i) => (i === last ? n + 1 : 1)),
  });
  return { t: diag, labels: [...rest.map((i) => labels[i]!), labels[p]!] };
};

/** Sums away the axes whose labels are not kept. */
const sumOut = ({ t, labels }: Term, keep: (l: Label) => boolean): Term => {
  const axes = labels.flatMap((l, i) => (keep(l) ? [] : [i]));
  return axes.length === 0 ? { t, labels } : { t: sum(t, axes), labels: labels.filter((l) => keep(l)) };
};

/** Contracts two terms over their shared labels not needed later; shared labels still needed become batch axes. */
const contract = (a: Term, b: Term, needed: ReadonlySet<Label>): Term => {
  const sizeIn = (x: Term, l: Label) => x.t.shape[x.labels.indexOf(l)]!;
  let A = a;
  let B = b;
  // A summed label of size 1 on one side (broadcast) factors out: Σ_j a·b_j = (Σ a)·(Σ_j b_j).
  for (const l of a.labels)
    if (B.labels.includes(l) && !needed.has(l) && sizeIn(A, l) !== sizeIn(B, l)) {
      A = sumOut(A, (x) => x !== l);
      B = sumOut(B, (x) => x !== l);
    }
  const batch = A.labels.filter((l) => B.labels.includes(l) && needed.has(l));
  const summed = A.labels.filter((l) => B.labels.includes(l) && !needed.has(l));
  const left = A.labels.filter((l) => !B.labels.includes(l));
  const right = B.labels.filter((l) => !A.labels.includes(l));
  const batchSizes = batch.map((l) => Math.max(sizeIn(A, l), sizeIn(B, l)));
  const arrange = (x: Term, order: readonly Label[]): Tensor => {
    const p = permute(x.t, order.map((l) => x.labels.indexOf(l)));
    return expand(p, order.map((l, i) => (i < batch.length ? batchSizes[i]! : sizeIn(x, l))));
  };
  const prod = (ls: readonly Label[], x: Term) => ls.reduce((s, l) => s * sizeIn(x, l), 1);
  const nb = batchSizes.reduce((s, n) => s * n, 1);
  const m = prod(left, A);
  const k = prod(summed, A);
  const n = prod(right, B);
  const out = matmul(reshape(arrange(A, [...batch, ...left, ...summed]), [nb, m, k]), reshape(arrange(B, [...batch, ...summed, ...right]), [nb, k, n]));
  return {
    t: reshape(out, [...batchSizes, ...left.map((l) => sizeIn(A, l)), ...right.map((l) => sizeIn(B, l))]),
    labels: [...batch, ...left, ...right],
  };
};

/**
 * Einstein summation over the operands' subscripts, with "..." for broadcast dimensions and an implicit
 * output (the subscripts used once, alphabetically) when "->" is omitted.
 * @example
 * einsum("bhqd,bhkd->bhqk", q, k); // attention scores
 * einsum("ii", a);                 // trace
 */
export const einsum = (equation: string, ...operands: Tensor[]): Tensor => {
  if (operands.length === 0) throw new Error(`einsum: equation "${equation}" needs at least one operand`);
  const { terms, output } = parse(equation, operands);
  checkSizes(equation, terms);
  const prepared = terms.map((term, i) => {
    let x = term;
    for (let p = 0; p < x.labels.length; p++) {
      const q = x.labels.indexOf(x.labels[p]!, p + 1);
      if (q >= 0) { x = diagonal(x, p, q); p = -1; }
    }
    // A label no other operand and not the output uses is summed right away.
    const elsewhere = new Set([...output, ...terms.flatMap((o, j) => (j === i ? [] : o.labels))]);
    return sumOut(x, (l) => elsewhere.has(l));
  });
  let acc = prepared[0]!;
  for (let i = 1; i < prepared.length; i++) {
    const needed = new Set([...output, ...prepared.slice(i + 1).flatMap((x) => x.labels)]);
    acc = contract(acc, prepared[i]!, needed);
  }
  return permute(acc.t, output.map((l) => acc.labels.indexOf(l)));
};
