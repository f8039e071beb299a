// Curriculum section "读写文件" (reading and writing files): tensors, lists, dicts and a model's parameters on disk.
//
// torch.save pickles Python objects; rivulet writes safetensors — a JSON header naming each tensor's dtype, shape
// and byte range, then the raw bytes — which PyTorch reads with safetensors.torch.load_file and which cannot run code
// when loaded. A list or dict of tensors is stored under dotted names ("0", "1" / "x", "y") by `flattenStateDict`,
// and a model's parameters under its state_dict names. Files are written to a temporary name and renamed, so a crash
// never leaves half a file. Everything goes to a fresh temporary folder.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import {
  nn, key, saveCheckpoint, loadCheckpoint, split, randn, arange, zeros, relu, saveFile, loadFile, flattenStateDict, unflattenStateDict, type Tensor,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-read-write-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true })); // the files are this program's scratch space
const expect = (actual: string, expected: string, what: string) => {
  if (actual !== expected) throw new Error(`${what}: expected PyTorch's ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
};

// ---- 加载和保存张量: torch.save(x, 'x-file'); x2 = torch.load('x-file') --------------------------------------------------
const x = arange(4); // int32, printed as PyTorch prints its int64 arange
await saveFile(flattenStateDict({ x }), join(dir, "x-file"));
const x2 = (await loadFile(join(dir, "x-file"))).x!;
console.log(String(x2));
expect(String(x2), "tensor([0, 1, 2, 3])", "x2");

// What is inside: an 8-byte little-endian header length, then the JSON header (read here without rivulet's decoder).
const bytes = readFileSync(join(dir, "x-file"));
const headerLength = Number(bytes.readBigUInt64LE(0));
console.log("x-file header:", bytes.subarray(8, 8 + headerLength).toString("utf8").trim());

// ---- 存储一个张量列表: torch.save([x, y], 'x-files'); x2, y2 = torch.load('x-files') ---------------------------------------
const y = zeros([4]);
await saveFile(flattenStateDict([x, y]), join(dir, "x-files")); // names "0" and "1"
const [x2s, y2s] = unflattenStateDict(await loadFile(join(dir, "x-files"))) as Tensor[];
console.log(String(x2s!));
console.log(String(y2s!));
expect(String(y2s!), "tensor([0., 0., 0., 0.])", "y2");

// ---- 写入或读取从字符串映射到张量的字典: mydict = {'x': x, 'y': y} ---------------------------------------------------------
const mydict = { x, y };
await saveFile(flattenStateDict(mydict), join(dir, "mydict"));
const mydict2 = unflattenStateDict(await loadFile(join(dir, "mydict"))) as Record<string, Tensor>;
// safetensors keeps names, not their order (tensors are laid out by dtype), so print the keys in the order we saved them.
const printed = `{${Object.keys(mydict).map((k) => `'${k}': ${String(mydict2[k]!)}`).join(", ")}}`; // Python's dict repr
console.log(printed);
expect(printed, "{'x': tensor([0, 1, 2, 3]), 'y': tensor([0., 0., 0., 0.])}", "mydict2");

// ---- 加载和保存模型参数 -----------------------------------------------------------------------------------------------
const MLP = () =>
  nn.defineModule({
    kind: "MLP",
    children: { hidden: nn.linear({ inFeatures: 20, outFeatures: 256 }), output: nn.linear({ inFeatures: 256, outFeatures: 10 }) },
    forward: ({ children }, x: Tensor) => children.output(relu(children.hidden(x))),
  });
const [kNet, kX, kClone] = split(key(0), 3);
const net = MLP();
const variables = net.init(kNet!);
const X = randn(kX!, [2, 20]);
const Y = net.forward(variables.params, X);

// torch.save(net.state_dict(), 'mlp.params'): the file holds hidden.weight, hidden.bias, output.weight, output.bias.
await Effect.runPromise(saveCheckpoint(join(dir, "mlp.params"), { params: variables.params }, { model: net }));
console.log("mlp.params holds:", Object.keys(await loadFile(join(dir, "mlp.params"))).join(", "));

// clone = MLP(); clone.load_state_dict(torch.load('mlp.params')): a fresh model (with other random weights from kClone)
// whose variables are replaced by the file's.
const clone = MLP();
const fresh = clone.init(kClone!);
const { variables: loaded } = await Effect.runPromise(loadCheckpoint(join(dir, "mlp.params"), { model: clone }));
// print(clone.eval()): forward runs in evaluation mode unless told otherwise, so there is no mode to switch.
console.log(String(clone));
expect(String(clone), [
  "MLP(",
  "  (hidden): Linear(in_features=20, out_features=256, bias=True)",
  "  (output): Linear(in_features=256, out_features=10, bias=True)",
  ")",
].join("\n"), "print(clone.eval())");

const YClone = clone.forward(loaded.params, X);
console.log("Y_clone == Y:", String(YClone.eq(Y))); // all True
if (!Array.from(YClone.eq(Y).dataSync()).every(Boolean)) throw new Error("the clone must reproduce Y exactly");
if (Array.from(clone.forward(fresh.params, X).eq(Y).dataSync()).every(Boolean)) throw new Error("a freshly initialised clone should differ");
console.log(`files written in ${dir} (a scratch folder, removed when the program ends)`);
