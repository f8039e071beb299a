// Expands file paths and glob patterns (`*`, `?`, `**`) into a sorted list of files, for text datasets and the tokenizer CLI.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";

const GLOB = /[*?[]/;

const toRegExp = (pattern: string): RegExp => {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` matches zero or more folders
      re += pattern[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += pattern[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
};

/**
 * The files named by paths and glob patterns, each pattern's matches sorted, duplicates removed; a path or pattern that
 * names no file is an error (so a typo cannot silently train on nothing).
 * @example
 * findFiles(["/usr/share/doc/python3.11/html/_sources/tutorial/*.txt"]);
 */
export const findFiles = (patterns: string | readonly string[]): string[] => {
  const out = new Set<string>();
  for (const pattern of typeof patterns === "string" ? [patterns] : patterns) {
    if (!GLOB.test(pattern)) {
      if (!existsSync(pattern) || !statSync(pattern).isFile()) throw new Error(`findFiles: ${pattern}: no such file`);
      out.add(pattern);
      continue;
    }
    const parts = pattern.split("/");
    const firstGlob = parts.findIndex((p) => GLOB.test(p));
    const base = parts.slice(0, firstGlob).join("/") || (pattern.startsWith("/") ? "/" : ".");
    const re = toRegExp(pattern);
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir).sort()) {
        const p = dir === "." && !pattern.startsWith("./") ? name : join(dir, name);
        const s = statSync(p);
        if (s.isDirectory()) walk(p);
        else if (re.test(p.split(sep).join("/"))) found.push(p);
      }
    };
    walk(base);
    if (found.length === 0) throw new Error(`findFiles: ${pattern}: matches no file`);
    for (const f of found) out.add(f);
  }
  return [...out];
};
