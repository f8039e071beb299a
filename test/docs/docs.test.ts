// The guides run as written: every ```ts block of the pages listed below (getting started, coming from PyTorch, the resource model, tokenizers, text streams, language models) is type-checked and run, and its output checked.
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as rivulet from "../../src/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pages = ["docs/getting-started.md", "docs/coming-from-pytorch.md", "docs/resource-model.md"];
pages.push("docs/tokenizers.md", "docs/text.md"); // the tokenizer and text-stream pages
pages.push("docs/language-models.md");
pages.push("docs/cpu-performance.md"); // the convolution primitives
pages.push("docs/fused-ops.md");
const run = promisify(execFile);

interface Block {
  readonly page: string;
  readonly line: number;
  readonly code: string;
  /** The ```text block right after it, if any: what the program must print. */
  readonly expected?: string;
}

/** The runnable blocks of a page: ```ts blocks, except those marked ```ts fragment, each with the output block under it. */
const blocksOf = (page: string): Block[] => {
  const text = readFileSync(join(root, page), "utf8");
  const fences = [...text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({
    info: m[1]!.trim(),
    body: m[2]!,
    start: m.index,
    end: m.index + m[0].length,
    line: text.slice(0, m.index).split("\n").length,
  }));
  return fences.flatMap((f, i) => {
    if (f.info !== "ts") return [];
    const next = fences[i + 1];
    const output = next && next.info === "text" && text.slice(f.end, next.start).trim() === "" ? next.body : undefined;
    return [{ page, line: f.line, code: f.body, ...(output === undefined ? {} : { expected: output }) }];
  });
};

/** Runs at most `n` of the given tasks at once (the machines this suite targets have 2 cores). */
const limiter = (n: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiter, so `active` never exceeds n.
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
};
const twoAtATime = limiter(2);

const normalise = (s: string): string => s.split("\n").map((l) => l.trimEnd()).join("\n").trim();

// Blocks live under node_modules/.cache so that their bare imports (rxjs, effect) resolve to the project's packages.
const cache = join(root, "node_modules", ".cache");
let dir = "";
const blocks = pages.flatMap(blocksOf);
const fileOf = (b: Block): string => join(dir, `block${blocks.indexOf(b)}.mts`);

beforeAll(() => {
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, "rivulet-docs-"));
  for (const b of blocks) writeFileSync(fileOf(b), b.code.replaceAll('from "rivulet"', `from ${JSON.stringify(join(root, "src/index.ts"))}`));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("docs code blocks", () => {
  it("every page has runnable TypeScript", () => {
    for (const page of pages) expect(blocks.filter((b) => b.page === page).length, page).toBeGreaterThan(0);
  });

  it("type-check", () => {
    const tsconfig = {
      extends: join(root, "tsconfig.json"),
      compilerOptions: { noEmit: true, allowImportingTsExtensions: true, rootDir: root },
      include: ["*.mts"],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const tsc = join(root, "node_modules", ".bin", "tsc");
    let out = "";
    try {
      execFileSync(tsc, ["-p", join(dir, "tsconfig.json")], { cwd: dir, stdio: "pipe", timeout: 120_000 });
    } catch (e) {
      out = String((e as { stdout?: Buffer }).stdout ?? e);
    }
    // Report errors against the page and its line, not the temporary file.
    const located = out.replace(/\S*block(\d+)\.mts\((\d+),(\d+)\)/g, (_, i: string, r: string, c: string) =>
      `${blocks[Number(i)]!.page}:${blocks[Number(i)]!.line + Number(r)}:${c}`,
    );
    expect(located).toBe("");
  });

  // Each block is its own Node process; two side by side keep the file quick without swamping the machine.
  for (const b of blocks)
    it.concurrent(`${b.page}:${b.line} runs${b.expected === undefined ? "" : " and prints what the page shows"}`, async () => {
      // Each block runs in its own folder, so files it writes (runs/, *.safetensors) vanish with the test.
      const cwd = mkdtempSync(join(dir, "cwd-"));
      const { stdout } = await twoAtATime(() => run(process.execPath, ["--import", "tsx", fileOf(b)], { cwd, timeout: 60_000, maxBuffer: 16 << 20 })).catch((e: Error & { stderr?: string }) => {
        throw new Error(`${b.page}:${b.line} failed:\n${e.stderr ?? e.message}`);
      });
      if (b.expected !== undefined) expect(normalise(stdout)).toBe(normalise(b.expected));
    }, 300_000); // includes the wait for a free slot
});

/** Functions a table's rivulet column calls: `name(` and `nn.a.b(` at the start of an expression, not `x.method(`. */
const calledNames = (cell: string): string[] =>
  [...cell.matchAll(/`([^`]+)`/g)].flatMap((code) => [...code[1]!.matchAll(/(?<![\w.$])((?:nn|transforms)(?:\.\w+)+|[A-Za-z_$][\w$]*)(?=\()/g)].map((m) => m[1]!));

const lookup = (path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o !== null && (typeof o === "object" || typeof o === "function") ? (o as Record<string, unknown>)[k] : undefined), rivulet);

describe("coming-from-pytorch names", () => {
  const rows = readFileSync(join(root, "docs/coming-from-pytorch.md"), "utf8")
    .split("\n")
    .map((l, i) => ({ line: i + 1, cells: l.split(/(?<!\\)\|/).slice(1, -1) }))
    .filter((r) => r.cells.length >= 2 && !/^\s*:?-+/.test(r.cells[0]!) && r.cells[1]!.includes("`"));
  // Words that read like calls in the table but are JavaScript or a variable's method, not rivulet exports.
  const notRivulet = new Set(["await", "Effect", "lastValueFrom", "map", "tap", "scan", "take", "pipe", "subscribe", "String", "Promise", "console", "f", "model", "loss", "opt"]);

  it("the tables map to something", () => expect(rows.length).toBeGreaterThan(50));
  // The first column is PyTorch's; the rivulet column and the notes must only call what rivulet exports.
  it("every function the tables call is exported from the package root", () => {
    const missing = rows.flatMap((r) =>
      r.cells.slice(1).flatMap(calledNames)
        .filter((n) => !notRivulet.has(n.split(".")[0]!) && lookup(n) === undefined)
        .map((n) => `line ${r.line}: ${n}`),
    );
    expect(missing).toEqual([]);
  });
});

describe("docs links", () => {
  for (const page of ["docs/README.md", ...pages])
    it(`${page}: every relative link inside the repository points at a file`, () => {
      const text = readFileSync(join(root, page), "utf8");
      const targets = [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/.test(t));
      const inRepo = targets.map((t) => join(root, dirname(page), t)).filter((p) => p.startsWith(root));
      expect(inRepo.length).toBeGreaterThan(0);
      expect(inRepo.filter((p) => !existsSync(p)).map((p) => p.slice(root.length))).toEqual([]);
    });

  // A clone has nothing beside the repository: the product's pages must stand alone.
  it("no page links outside the repository (README, examples/README.md, docs/*.md)", () => {
    const docs = readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`);
    const outside = ["README.md", "examples/README.md", ...docs].flatMap((page) => {
      const text = readFileSync(join(root, page), "utf8");
      return [...text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((t) => !/^[a-z]+:/.test(t) && !join(root, dirname(page), t).startsWith(root))
        .map((t) => `${page}: ${t}`);
    });
    expect(outside).toEqual([]);
  });
});
