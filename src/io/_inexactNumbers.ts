// Finds numbers a JSON text writes with a fraction or exponent (`16.0`, `1e3`): JSON.parse makes them integers, serde's usize does not.

/** One step of a path into a JSON value: an object key or an array index. */
export type JsonPathStep = string | number;

/**
 * The path and text of the first number in `json` (already known to be valid JSON) written with a `.`, `e` or `E`
 * at a path `wanted` accepts, or undefined. Iterative, so any nesting depth is safe.
 */
export const findInexactNumber = (
  json: string,
  wanted: (path: readonly JsonPathStep[]) => boolean,
): { readonly path: readonly JsonPathStep[]; readonly text: string } | undefined => {
  // One frame per open container: its current key (object) or index (array).
  const frames: { array: boolean; step: JsonPathStep }[] = [];
  const path = (): JsonPathStep[] => frames.map((f) => f.step);
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === "{" || c === "[") {
      frames.push({ array: c === "[", step: c === "[" ? 0 : "" });
      expectKey = c === "{";
    } else if (c === "}" || c === "]") frames.pop();
    else if (c === ",") {
      const top = frames[frames.length - 1];
      if (top?.array) top.step = (top.step as number) + 1;
      else expectKey = true;
    } else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      if (expectKey) {
        frames[frames.length - 1]!.step = JSON.parse(json.slice(i, j + 1)) as string;
        expectKey = false;
      }
      i = j;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      let j = i + 1;
      while (j < json.length && /[-+.0-9eE]/.test(json[j]!)) j++;
      const text = json.slice(i, j);
      if (/[.eE]/.test(text) && wanted(path())) return { path: path(), text };
      i = j - 1;
    }
  }
  return undefined;
};
