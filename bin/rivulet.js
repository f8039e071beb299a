#!/usr/bin/env node
// The `rivulet` command's launcher: in a checkout it runs the TypeScript sources through tsx; in an installed package, the built dist/cli/main.js.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// A checkout has tsconfig.json (the published package does not ship it), and tsx among its dev dependencies.
const checkout = existsSync(join(root, "tsconfig.json")) && existsSync(join(root, "src", "cli", "main.ts"));
let entry = join(root, "dist", "cli", "main.js");
if (checkout) {
  const { register } = await import("tsx/esm/api");
  register();
  entry = join(root, "src", "cli", "main.ts");
} else if (!existsSync(entry)) {
  process.stderr.write(`rivulet: ${entry} is missing; build the package first (npm run build)\n`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
const code = await main(process.argv.slice(2));
// Exit once stdout has drained: an open GPU instance or worker must not keep a finished command alive.
process.stdout.write("", () => process.exit(code));
