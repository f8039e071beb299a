// Public face of src/io: file formats (safetensors), state-dict naming, and atomic writes.
export { encodeSafetensors, encodeSafetensorsAsync, type SafetensorsMetadata } from "./encodeSafetensors.js";
export { decodeSafetensors, type DecodeSafetensorsOptions, type Safetensors } from "./decodeSafetensors.js";
export { flattenStateDict, unflattenStateDict } from "./stateDict.js";
export { loadIntoTree, type LoadIntoTreeOptions, type LoadResult } from "./loadIntoTree.js";
export { saveSafetensors, loadSafetensors, saveFile, loadFile, type LoadSafetensorsOptions } from "./safetensorsFile.js";
export { SafetensorsError } from "./SafetensorsError.js";
export { FileSystemError, type FileOperation } from "./FileSystemError.js";
export { writeFileAtomic } from "./writeFileAtomic.js";
export { prepareFolder, MIN_FREE_BYTES, type PrepareFolderOptions } from "./prepareFolder.js";
export { CheckpointError, type WrongShape } from "./CheckpointError.js";
export { encodeTree, decodeTree, type Skeleton, type EncodedTree, type EncodeTreeOptions, type DecodeTreeOptions } from "./treeCodec.js";
