// Compute pipelines cached by (WGSL source, entry point), with explicit bind-group layouts and compile errors traced to the WGSL line.
import { ShaderCompilationError } from "./errors.js";

export interface CachedPipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/** Builds each kernel once; `report` receives compilation failures (they are asynchronous in WebGPU). */
export class PipelineCache {
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  constructor(
    private readonly device: GPUDevice,
    private readonly report: (check: Promise<ShaderCompilationError | null>) => void,
  ) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** Binding 0: the parameter block; then `inputs` read-only and `outputs` read-write storage buffers. */
  private layoutFor(inputs: number, outputs: number): GPUBindGroupLayout {
    const k = `${inputs}/${outputs}`;
    let l = this.layouts.get(k);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let b = 0; b <= inputs + outputs; b++)
        entries.push({ binding: b, visibility: 4 /* COMPUTE */, buffer: { type: b <= inputs ? "read-only-storage" : "storage" } });
      l = this.device.createBindGroupLayout({ entries });
      this.layouts.set(k, l);
    }
    return l;
  }

  get(kernel: string, wgsl: string, entry: string, inputs: number, outputs: number): CachedPipeline {
    const key = `${entry}\u0000${inputs}/${outputs}\u0000${wgsl}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const module = this.device.createShaderModule({ code: wgsl, label: kernel });
      this.report(compileCheck(kernel, wgsl, module));
      const layout = this.layoutFor(inputs, outputs);
      const pipeline = this.device.createComputePipeline({
        label: kernel,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module, entryPoint: entry },
      });
      p = { pipeline, layout };
      this.pipelines.set(key, p);
    }
    return p;
  }
}

/** The first error getCompilationInfo reports, with the offending WGSL line quoted. */
const compileCheck = async (kernel: string, wgsl: string, module: GPUShaderModule): Promise<ShaderCompilationError | null> => {
  const info = await module.getCompilationInfo();
  const err = info.messages.find((m) => m.type === "error");
  if (!err) return null;
  const sourceLine = wgsl.split("\n")[err.lineNum - 1] ?? "";
  return new ShaderCompilationError({
    kernel,
    line: err.lineNum,
    column: err.linePos,
    sourceLine,
    message: `webgpu: kernel ${kernel} failed to compile at WGSL line ${err.lineNum}:${err.linePos}: ${err.message}\n  ${sourceLine.trim()}`,
  });
};
