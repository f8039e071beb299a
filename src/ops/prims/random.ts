// Rule for the nullary uniform primitive (no gradient: it has no inputs).
import type { PrimRule } from "../rule.js";

export const uniform: PrimRule<"uniform"> = {
  out: (_x, { shape }) => ({ shape, dtype: "float32" }),
  vjp: () => [],
};
