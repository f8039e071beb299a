// Finds a repeated key in a JSON text, which JSON.parse would silently resolve to the last value (safetensors forbids it).

const isWs = (c: string): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";

/**
 * The dotted path of the first key that repeats within one object of `json` (already known to be valid JSON),
 * or undefined. Keys are compared after unescaping, so `"a"` and `"\u0061"` collide, as they do for a parser.
 */
export const findDuplicateKey = (json: string): string | undefined => {
  // One frame per open object (its keys so far and its own path) or array (null).
  const stack: ({ keys: Set<string>; path: string } | null)[] = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === "{") stack.push({ keys: new Set(), path: "" });
    else if (c === "[") stack.push(null);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      const raw = json.slice(i, j + 1);
      i = j;
      let k = j + 1;
      while (k < json.length && isWs(json[k]!)) k++;
      const top = stack[stack.length - 1];
      if (json[k] !== ":" || !top) continue;
      const key = JSON.parse(raw) as string;
      const path = top.path ? `${top.path}.${key}` : key;
      if (top.keys.has(key)) return path;
      top.keys.add(key);
      // The value that follows, if it is an object, is known by this key's path.
      let v = k + 1;
      while (v < json.length && isWs(json[v]!)) v++;
      if (json[v] === "{") {
        stack.push({ keys: new Set(), path });
        i = v;
      }
    }
  }
  return undefined;
};
