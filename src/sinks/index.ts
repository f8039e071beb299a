// Public face of src/sinks: where metric streams end (TensorBoard event files; progress, tables, plots and checkpoints as they land).
export * from "./tensorboard/index.js";
export { progress, type ProgressValue, type ProgressOutput, type ProgressOptions } from "./progress.js";
export { toJsonl } from "./jsonl.js";
export { toCsv, csvField, type ToCsvOptions } from "./csv.js";
export {
  runTable, parseJsonl, loadRunTable, fromJsonl, type RunTable, type BestOptions, type LoadRunTableOptions, type MetricCell, type MetricRecord,
} from "./runTable.js";
export { linePlotSpec, renderLinePlot, livePlot, type LinePlotOptions, type LivePlotOptions } from "./plot.js";
export { imageGridSvg, saveImageGrid, showImages, type ImageGridOptions, type SaveImageGridOptions } from "./imageGrid.js";
export { svgToPng, type SvgToPngOptions } from "./svgToPng.js";
export { checkpoints, checkpointName, type CheckpointsOptions } from "./checkpoint.js";
export { SinkError } from "./SinkError.js";
