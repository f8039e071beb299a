// Readable io-ts failures for checkpoint headers and recordings: the first error's field path, what was expected and what was found.
import type * as t from "io-ts";

const show = (v: unknown): string => {
  if (v === undefined) return "nothing (the field is missing)";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** "field a.b: expected X, got Y" for the deepest failure of the first error (union members are skipped in the path). */
export const describeErrors = (errors: t.Errors, root: string): string => {
  const e = errors.reduce((a, b) => (b.context.length > a.context.length ? b : a), errors[0]!);
  // Numeric keys of union alternatives ("0", "1") are io-ts bookkeeping, not fields; keep record keys and array indices.
  const parts = e.context.slice(1).filter((c, i, all) => !(/^\d+$/.test(c.key) && i > 0 && all[i - 1]!.type.constructor.name === "UnionType"));
  const path = parts.map((c) => c.key).filter((k) => k !== "").join(".");
  const expected = e.context[e.context.length - 1]!.type.name;
  return `field ${path ? `${root}.${path}` : root}: expected ${expected}, got ${show(e.value)}`;
};
