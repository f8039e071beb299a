// Test helper run as a child process: starts a temporary file for argv[2] as writeFileAtomic does, then dies (argv[3] "kill") or exits ("exit").
import { open } from "node:fs/promises";
import { newTempPath } from "../../src/io/_tempFiles.js";

const [target, how] = process.argv.slice(2) as [string, "kill" | "exit"];
const temp = await newTempPath(target);
const handle = await open(temp, "wx");
await handle.write(new Uint8Array(1 << 20));
console.log(temp);
if (how === "kill") process.kill(process.pid, "SIGKILL");
else process.exit(0);
