// `rivulet info`: what this machine offers — CPU, memory, Node.js, and the WebGPU adapter with its software flag and limits.
import { cpus, totalmem, platform, arch, release } from "node:os";
import { Effect, Result } from "effect";
import { gpuInfo, adapterName, softwareGpuAllowedByEnv } from "../index.js";
import { parseArgv } from "./argv.js";
import { usage } from "./errors.js";
import { decodeOptions, flagSpec, toggle } from "./options.js";
import { helpText } from "./help.js";
import type { CliIo } from "./CliIo.js";

/** `rivulet info`'s options. */
export const INFO_OPTIONS = {
  json: toggle("print one JSON object instead of text"),
};

/** `rivulet info --help`. */
export const INFO_HELP = helpText("rivulet info [--json]", "Describes the CPU, Node.js and the WebGPU adapter, and which device --device auto picks.", INFO_OPTIONS);

/**
 * Runs `rivulet info` with `args`.
 * @example
 * await info([], processIo());
 */
export const info = async (args: readonly string[], io: CliIo): Promise<void> => {
  const parsed = parseArgv("info", args, flagSpec(INFO_OPTIONS));
  if (parsed.help) return io.out(INFO_HELP);
  if (parsed.positionals.length > 0) throw usage(`info ${parsed.positionals[0]}`, "unexpected argument; info takes options only");
  const o = decodeOptions(INFO_OPTIONS, parsed);
  const cores = cpus();
  const gpu = await Effect.runPromise(Effect.result(gpuInfo()));
  const adapter = Result.isSuccess(gpu) ? gpu.success : undefined;
  // `auto` takes a software adapter only when RIVULET_ALLOW_SOFTWARE_GPU allows it, as selectDevice does.
  const auto = adapter !== undefined && (!adapter.software || softwareGpuAllowedByEnv()) ? "webgpu" : "cpu";
  const report = {
    cpu: { model: cores[0]?.model.trim() ?? "unknown", cores: cores.length, memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10 },
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    webgpu: adapter === undefined
      ? { available: false, reason: Result.isFailure(gpu) ? gpu.failure.reason : "unknown" }
      : { available: true, name: adapterName(adapter), vendor: adapter.vendor, architecture: adapter.architecture, device: adapter.device, description: adapter.description, software: adapter.software, limits: adapter.limits },
    auto_device: auto,
  };
  if (o.json) return io.out(JSON.stringify(report));
  io.out(`CPU      ${report.cpu.model} (${report.cpu.cores} cores), ${report.cpu.memory_gib} GiB memory`);
  io.out(`Node.js  ${report.node} on ${report.os}`);
  if (adapter === undefined) io.out(`WebGPU   no adapter (${report.webgpu.available ? "" : (report.webgpu as { reason: string }).reason})`);
  else {
    io.out(`WebGPU   ${adapterName(adapter)}`);
    io.out(`         vendor ${adapter.vendor || "?"}, architecture ${adapter.architecture || "?"}, software ${adapter.software ? "yes" : "no"}`);
    for (const [k, v] of Object.entries(adapter.limits)) io.out(`         ${k.padEnd(36)}${v.toLocaleString("en-US")}`);
  }
  io.out(`--device auto uses: ${auto}${adapter?.software && auto === "cpu" ? " (the adapter is a software one; RIVULET_ALLOW_SOFTWARE_GPU=1 allows it)" : ""}`);
};
