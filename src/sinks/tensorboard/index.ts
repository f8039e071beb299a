// Public face of src/sinks/tensorboard: TensorBoard event files (SummaryWriter), the stream operator, and their building blocks.
export {
  SummaryWriter, openSummaryWriter,
  type SummaryWriterOptions, type ScalarLike, type WallTimeOption, type AddImageOptions, type AddImagesOptions, type AddHistogramOptions,
  type AddHparamsOptions, type AddPrCurveOptions, type Traceable,
} from "./SummaryWriter.js";
export type { TraceModuleOptions } from "./_traceModule.js";
export type { DataFormats } from "./_image.js";
export type { HParamValue } from "./_hparamsProto.js";
export type { HistogramProto } from "./_eventProto.js";
export { TensorBoardError, type TensorBoardOperation } from "./TensorBoardError.js";
export { toTensorBoard, type ToTensorBoardOptions } from "./toTensorBoard.js";
export { makeGrid, type MakeGridOptions } from "./makeGrid.js";
export { makeHistogram, defaultBucketLimits, type HistogramBins } from "./histogram.js";
export { computeCurve, type PrCurveData } from "./prCurve.js";
export { encodePng, type PngPixels } from "./png.js";
export { crc32c, maskedCrc32c } from "./crc32c.js";
export { encodeTfRecord } from "./tfrecord.js";
