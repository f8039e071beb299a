// What rivulet reports about a WebGPU adapter: who made it, whether it is a software rasteriser, and the limits kernels depend on.

/** Adapter identity, the software flag, and its limits (what `rivulet info` prints). */
export interface GpuInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU implementation (lavapipe/llvmpipe, SwiftShader, WARP) rather than a GPU. */
  readonly software: boolean;
  readonly limits: Readonly<Record<string, number>>;
  readonly features: readonly string[];
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|warp|microsoft basic render/i;

/** True for adapters that run on the CPU: the fallback flag (where Dawn sets it) or a known software driver's name. */
export const isSoftwareAdapter = (adapter: GPUAdapter): boolean => {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return info.isFallbackAdapter === true || legacy === true || info.architecture === "software" ||
    SOFTWARE.test(`${info.vendor} ${info.device} ${info.description}`);
};

const LIMITS = [
  "maxBufferSize", "maxStorageBufferBindingSize", "maxStorageBuffersPerShaderStage", "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupSizeX", "maxComputeWorkgroupsPerDimension",
  "minStorageBufferOffsetAlignment",
] as const;

/** Reads an adapter's identity and the limits rivulet's kernels depend on. */
export const describeAdapter = (adapter: GPUAdapter): GpuInfo => {
  const i = adapter.info;
  const limits: Record<string, number> = {};
  for (const k of LIMITS) limits[k] = Number(adapter.limits[k]);
  return Object.freeze({
    vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description,
    software: isSoftwareAdapter(adapter), limits: Object.freeze(limits), features: Object.freeze([...adapter.features].sort()),
  });
};

/** One line naming the adapter, marked when it is a software one. */
export const adapterName = (info: GpuInfo): string =>
  `${info.description || info.device || info.vendor || "unknown adapter"}${info.software ? " [software adapter: timings are not GPU timings]" : ""}`;
