// The README's code blocks run as written (with "rivulet" resolved to this checkout), so the docs stay true.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const blocks = [...readFileSync(join(root, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe("README code", () => {
  it("has TypeScript examples", () => expect(blocks.length).toBeGreaterThan(0));
  blocks.forEach((code, i) =>
    it(`block ${i + 1} runs`, () => {
      const dir = mkdtempSync(join(tmpdir(), "rivulet-readme-"));
      try {
        const file = join(dir, "block.mts");
        writeFileSync(file, code.replaceAll('from "rivulet"', `from ${JSON.stringify(join(root, "src/index.ts"))}`));
        execFileSync(process.execPath, ["--import", "tsx", file], { cwd: root, stdio: "pipe", timeout: 60_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
});
