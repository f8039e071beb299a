// Where the BPE examples find real English text: the Python 3.11 documentation sources (Debian's python3.11-doc, 11 MB of reStructuredText).
//
// When the package is not installed, one line says how to get it and the examples read the small slice of it that the
// tests use (test/fixtures/text/python-docs-slice.txt), through the same code.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where Debian installs the Python documentation sources. */
export const PYTHON_DOCS = "/usr/share/doc/python3.11/html/_sources";

/** The corpus' file paths, sorted (at most `maxFiles`), or the committed slice when the package is missing. */
export const corpusFiles = (maxFiles = Infinity): string[] => {
  if (!existsSync(PYTHON_DOCS)) {
    console.log(`${PYTHON_DOCS} not found (apt-get install python3.11-doc); using the small slice in test/fixtures/text instead`);
    return [join(dirname(fileURLToPath(import.meta.url)), "..", "test", "fixtures", "text", "python-docs-slice.txt")];
  }
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".txt")) files.push(p);
    }
  };
  walk(PYTHON_DOCS);
  return files.slice(0, maxFiles);
};

/** The texts of the corpus' files. */
export const corpusTexts = (maxFiles = Infinity): string[] => corpusFiles(maxFiles).map((f) => readFileSync(f, "utf8"));
