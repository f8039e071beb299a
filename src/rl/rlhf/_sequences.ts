// Prompt + response token lists as one right-padded id tensor with its attention mask and response mask.
import { tensor } from "../../ops/creation.js";
import type { Tensor } from "../../ops/Tensor.js";

/** Rows of prompt+response: ids [B, L] (right-padded with 0), attention [B, L] (1 on real tokens), and the response span. */
export interface Sequences {
  readonly ids: Tensor;
  readonly attention: Tensor;
  /** [B, L−1]: 1 where position t's logits score a response token (t+1 inside the response). */
  readonly responseMask: Tensor;
}

/** Joins each prompt with its response. */
export const sequences = (prompts: readonly (readonly number[])[], responses: readonly (readonly number[])[]): Sequences => {
  const rows = prompts.map((p, i) => [...p, ...responses[i]!]);
  const width = Math.max(...rows.map((r) => r.length));
  const ids = rows.map((r) => [...r, ...Array<number>(width - r.length).fill(0)]);
  const attention = rows.map((r) => Array.from({ length: width }, (_, t) => (t < r.length ? 1 : 0)));
  const responseMask = rows.map((r, i) => Array.from({ length: width - 1 }, (_, t) => (t + 1 >= prompts[i]!.length && t + 1 < r.length ? 1 : 0)));
  return { ids: tensor(ids, { dtype: "int32" }), attention: tensor(attention, { dtype: "int32" }), responseMask: tensor(responseMask) };
};
