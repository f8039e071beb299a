// Public face of src/streams/datasets: map-style datasets (tensors, MNIST family, CIFAR, image folders, CSV), their decoders and errors.
export { tensorDataset, type TensorDataset } from "./tensorDataset.js";
export { syntheticData, type SyntheticData, type SyntheticDataOptions } from "./syntheticData.js";
export { decodeIdx, type Idx, type IdxType } from "./decodeIdx.js";
export type { MnistDataset, MnistError, MnistOptions } from "./_mnistFamily.js";
export { mnist, loadMnist } from "./mnist.js";
export { fashionMnist, loadFashionMnist } from "./fashionMnist.js";
export { downloadUrl, type DownloadUrlOptions } from "./downloadUrl.js";
export { decodeCifar, type CifarRecords, type DecodeCifarOptions } from "./decodeCifar.js";
export { decodeTar, type TarEntry } from "./decodeTar.js";
export {
  cifar10, cifar100, loadCifar10, loadCifar100, CIFAR10_CLASSES, CIFAR100_CLASSES, CIFAR100_COARSE_CLASSES,
  type CifarDataset, type CifarError, type CifarOptions,
} from "./cifar.js";
export { decodeImage } from "./decodeImage.js";
export { loadImage, readImage } from "./readImage.js";
export { imageFolder, loadImageFolder, type ImageFolderDataset, type ImageFolderError, type ImageFolderOptions, type ImageFolderSample } from "./imageFolder.js";
export { parseCsv, loadCsv, readCsv, PANDAS_NA_VALUES, type ReadCsvOptions } from "./readCsv.js";
export { getDummies, type GetDummiesOptions } from "./getDummies.js";
export { standardize, type StandardizeOptions } from "./standardize.js";
export { fillNa } from "./fillNa.js";
export { dropNa } from "./dropNa.js";
export { tableToTensor, type TableToTensorOptions } from "./tableToTensor.js";
export { csvDataset, loadCsvDataset, tableDataset, type CsvDataset, type CsvDatasetOptions } from "./csvDataset.js";
export type { Table, Cell } from "./_tableColumns.js";
export { DatasetNotFound } from "./DatasetNotFound.js";
export { CorruptDataset } from "./CorruptDataset.js";
export { DownloadError } from "./DownloadError.js";
export { subset, randomSplit, concatDatasets } from "./subset.js";
