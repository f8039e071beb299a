// `rivulet worker`: its help, its usage errors, and a server that is not there.
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/CliIo.js";

const run = async (args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  let [stdout, stderr] = ["", ""];
  const io: CliIo = { out: (l) => void (stdout += `${l}\n`), err: { isTTY: false, write: (s: string) => void (stderr += s) } };
  const code = await main(args, io);
  return { code, stdout, stderr };
};

describe("rivulet worker", () => {
  it("prints its help", async () => {
    const r = await run(["worker", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: rivulet worker --nats URL/);
  });

  it("needs --nats, and a URL there", async () => {
    expect(await run(["worker"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--nats: .*is required/) });
    expect(await run(["worker", "--nats", "localhost"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--nats: expected a URL like nats:\/\/127\.0\.0\.1:4222, got "localhost"/) });
  });

  it("fails with one line when the server cannot be reached", async () => {
    const r = await run(["worker", "--nats", "nats://127.0.0.1:1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rivulet: cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1 after 5 tries/);
  });
});
