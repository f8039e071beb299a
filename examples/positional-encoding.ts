// Curriculum section "位置编码" (positional encoding): the Transformer's sinusoid table, printed, checked and drawn as a TensorBoard image.
//
// Attention by itself ignores order (permuting the tokens permutes the outputs), so the Transformer adds to each
// token's embedding a vector that depends on its position: P[pos, 2i] = sin(pos / 10000^(2i/d)) and
// P[pos, 2i+1] = cos(pos / 10000^(2i/d)). Early columns oscillate fast, later ones slowly, like the bits of a
// binary counter; and P[pos + k] is a fixed rotation of P[pos], so relative offsets are easy to read off.
//
//   npx tsx examples/positional-encoding.ts --keep    # a 60 × 32 table, written to a TensorBoard log that is kept
//   npx tsx examples/positional-encoding.ts --quick   # the same (it is small either way), log removed afterwards
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sinusoidalPositionalEncoding, positionalEncoding, openSummaryWriter, sub, min, max, div, reshape, zeros, narrow, type Tensor } from "../src/index.js";

const steps = 60;
const d = 32;
const P = sinusoidalPositionalEncoding(steps, d);
const row = (t: Tensor, i: number): number[] => Array.from(narrow(t, 0, i, 1).dataSync());
console.log("P[0, :6] =", row(P, 0).slice(0, 6).map((x) => x.toFixed(4)).join(" "));
console.log("P[1, :6] =", row(P, 1).slice(0, 6).map((x) => x.toFixed(4)).join(" "));
// Row 1, column 0 is sin(1); column 2 is sin(1 / 10000^(2/32)).
const want = [Math.sin(1), Math.cos(1), Math.sin(1 / Math.pow(10000, 2 / 32))];
if (want.some((w, j) => Math.abs(row(P, 1)[j]! - w) > 1e-6)) throw new Error(`P[1] should start ${want}, got ${row(P, 1).slice(0, 3)}`);

// The layer adds the table to a batch of embeddings [batch, steps, d]: on zeros it returns the table itself.
const pe = positionalEncoding({ dModel: d, maxLen: 1000 });
const added = pe.forward({}, zeros([1, steps, d]));
if (Array.from(added.dataSync()).some((x, i) => x !== P.dataSync()[i])) throw new Error("positionalEncoding on zeros should return the table");

// Each pair of columns is a point on a circle: sin² + cos² = 1 for every position.
for (const pos of [0, 17, 59]) {
  const r = row(P, pos);
  if (Math.abs(r[4]! ** 2 + r[5]! ** 2 - 1) > 1e-5) throw new Error(`row ${pos}: columns 4, 5 are not on the unit circle`);
}

// ---- draw it: values in [-1, 1] rescaled to [0, 1], one grey-scale image of steps × d pixels -------------------------
const logdir = mkdtempSync(join(tmpdir(), "rivulet-positional-encoding-"));
const writer = await openSummaryWriter(logdir);
const img = div(sub(P, min(P)), sub(max(P), min(P)));
await writer.addImage("positional_encoding", reshape(img, [1, steps, d]), 0);
// Columns 6-9 as curves over the positions, like d2l's plot.
for (let pos = 0; pos < steps; pos++)
  for (const col of [6, 7, 8, 9]) await writer.addScalar(`column_${col}`, row(P, pos)[col]!, pos);
await writer.close();
// The log is removed at the end unless --keep is given (then: tensorboard --logdir <path>).
if (process.argv.includes("--keep")) console.log(`TensorBoard log with the image kept in ${logdir} (tensorboard --logdir ${logdir})`);
else {
  console.log(`wrote the image and curves to a TensorBoard log (run with --keep to keep it)`);
  rmSync(logdir, { recursive: true, force: true });
}
