// Prints a module the way PyTorch's `print(model)` does: `Kind(extra)` with children indented as `(name): ...`.
import type { AnyModule } from "./Module.js";

/** Indents every line after the first (PyTorch's _addindent). */
const addIndent = (s: string, n: number): string => s.split("\n").join("\n" + " ".repeat(n));

/**
 * PyTorch's module repr, e.g. `Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n)`.
 * @example
 * console.log(formatModule(model)); // the same as console.log(String(model))
 */
export const formatModule = (m: AnyModule): string => {
  const extraLines = m.extraRepr ? m.extraRepr.split("\n") : [];
  const childLines = m.children.map(([name, child]) => `(${name}): ${addIndent(formatModule(child), 2)}`);
  const lines = [...extraLines, ...childLines];
  if (lines.length === 0) return `${m.kind}()`;
  if (extraLines.length === 1 && childLines.length === 0) return `${m.kind}(${extraLines[0]})`;
  return `${m.kind}(\n  ${lines.join("\n  ")}\n)`;
};
