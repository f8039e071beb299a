// Tests for CIFAR-10/100 on files generated in exactly the binary format: records, class names, HWC images, errors.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { Effect } from "effect";
import { afterAll, describe, expect, it } from "vitest";
import {
  CIFAR100_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR10_CLASSES, CorruptDataset, DatasetNotFound, DownloadError, cifar10, cifar100, decodeCifar, decodeTar,
  loadCifar10, loadCifar100,
} from "../../../src/streams/datasets/index.js";
import { gz, md5, put, tar } from "./_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-cifar-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

/** Records of label byte(s) then 3072 CHW pixels; pixel (c, y, x) of record r is (r + c * 7 + y + x) mod 256. */
const records = (labels: readonly (readonly number[])[]): Uint8Array => {
  const size = labels[0]!.length + 3072;
  const out = new Uint8Array(labels.length * size);
  labels.forEach((ls, r) => {
    out.set(ls, r * size);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[r * size + ls.length + c * 1024 + y * 32 + x] = (r + c * 7 + y + x) % 256;
  });
  return out;
};

describe("CIFAR-10", () => {
  const root = join(dir, "c10");
  const batches = join(root, "cifar-10-batches-bin");
  for (let b = 1; b <= 5; b++) put(join(batches, `data_batch_${b}.bin`), records([[b], [b + 1]]));
  put(join(batches, "test_batch.bin"), records([[3], [8], [0]]));

  it("reads data_batch_1..5 in order, HWC images, known class names", async () => {
    const train = await cifar10({ root });
    expect(train.length).toBe(10);
    expect(Array.from(train.targets)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(train.classes).toEqual(CIFAR10_CLASSES);
    const { input, target } = train.get(1);
    expect([input.height, input.width, input.channels, target]).toEqual([32, 32, 3, 2]);
    // Pixel (y=2, x=5) of record 1 in batch 1: channel c is (1 + 7c + 7) mod 256.
    const at = (2 * 32 + 5) * 3;
    expect(Array.from(input.data.subarray(at, at + 3))).toEqual([8, 15, 22]);
  });

  it("reads test_batch.bin, class names from batches.meta.txt, and a root pointing at the batches folder", async () => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    const withMeta = join(dir, "c10-meta");
    put(join(withMeta, "test_batch.bin"), records([[9]]));
    put(join(withMeta, "batches.meta.txt"), `${names.join("\n")}\n\n`);
    const test = await cifar10({ root: withMeta, train: false, targetTransform: (t) => names[t] });
    expect([test.length, test.get(0).target, test.classes]).toEqual([1, "j", names]);
  });

  it("a wrong record size names the file and the sizes", async () => {
    const bad = join(dir, "c10-bad");
    put(join(bad, "cifar-10-batches-bin", "test_batch.bin"), records([[1], [2]]).subarray(0, 3073 * 2 - 5));
    const e = await failure(loadCifar10({ root: bad, train: false }));
    expect(e).toBeInstanceOf(CorruptDataset);
    expect(e.message).toBe(
      `${join(bad, "cifar-10-batches-bin", "test_batch.bin")}: wrong record size: 6141 bytes is not a whole number of CIFAR-10 records of 3073 bytes (1 label byte + 3072 pixel bytes); 1 records and 3068 bytes left over`,
    );
  });

  it("a CIFAR-100 file read as CIFAR-10 is caught by its labels or its size", () => {
    expect(() => decodeCifar(records([[3, 99], [1, 2], [0, 0]]).subarray(0, 3073 * 3), { source: "x.bin", numClasses: [10] })).toThrow("x.bin: record 1 has label 76, out of range for 10 classes");
  });

  it("a missing folder is DatasetNotFound with where to get the binary version", async () => {
    const e = await failure(loadCifar10({ root: join(dir, "none") }));
    expect(e).toBeInstanceOf(DatasetNotFound);
    expect(e.message).toContain("cifar-10-binary.tar.gz");
  });

  it("a meta file with the wrong number of names is CorruptDataset", async () => {
    const bad = join(dir, "c10-badmeta");
    put(join(bad, "test_batch.bin"), records([[1]]));
    put(join(bad, "batches.meta.txt"), "cat\ndog\n");
    expect((await failure(loadCifar10({ root: bad, train: false }))).message).toContain("batches.meta.txt: expected 10 class names, found 2");
  });
});

describe("CIFAR-100", () => {
  it("reads 2-byte records (coarse, fine): fine targets as torchvision, coarse alongside", async () => {
    const root = join(dir, "c100");
    put(join(root, "cifar-100-binary", "train.bin"), records([[19, 99], [0, 4]]));
    const train = await cifar100({ root });
    expect([train.length, train.get(0).target, train.classes[99], train.coarseClasses?.[19]]).toEqual([2, 99, "worm", "vehicles_2"]);
    expect(Array.from(train.coarseTargets!)).toEqual([19, 0]);
    expect([CIFAR100_CLASSES.length, CIFAR100_COARSE_CLASSES.length]).toEqual([100, 20]);
  });

  it("rejects a CIFAR-10 file (wrong record size) and an out-of-range coarse label", async () => {
    const root = join(dir, "c100-bad");
    put(join(root, "test.bin"), records([[1], [2]]));
    expect((await failure(loadCifar100({ root, train: false }))).message).toContain("not a whole number of CIFAR-100 records of 3074 bytes");
    expect(() => decodeCifar(records([[20, 0]]), { labelBytes: 2, numClasses: [20, 100] })).toThrow("record 0 has label 20, out of range for 20 classes");
  });
});

describe("download: true (cifar-10-binary.tar.gz from a local HTTP server)", () => {
  const archive = gz(
    tar({
      "cifar-10-batches-bin/batches.meta.txt": `${CIFAR10_CLASSES.join("\n")}\n`,
      "cifar-10-batches-bin/test_batch.bin": records([[7], [2]]),
      ...Object.fromEntries([1, 2, 3, 4, 5].map((b) => [`cifar-10-batches-bin/data_batch_${b}.bin`, records([[b]])])),
    }),
  );
  const evil = gz(tar({ "../escape.bin": records([[1]]) }));

  const serve = async <A>(use: (base: string, hits: string[]) => Promise<A>): Promise<A> => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? "");
      const body = req.url === "/cifar-10-binary.tar.gz" ? archive : req.url === "/evil.tar.gz" ? evil : undefined;
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      return await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };

  it("downloads, verifies, extracts and loads; a second call reuses the files", () =>
    serve(async (base, hits) => {
      const root = join(dir, "dl");
      const test = await cifar10({ root, train: false, download: true, url: `${base}/cifar-10-binary.tar.gz`, md5: md5(archive) });
      expect([test.length, Array.from(test.targets)]).toEqual([2, [7, 2]]);
      expect(readdirSync(join(root, "cifar-10-batches-bin")).sort()).toContain("data_batch_5.bin");
      expect((await cifar10({ root, download: true, url: `${base}/cifar-10-binary.tar.gz`, md5: md5(archive) })).length).toBe(5);
      expect(hits).toEqual(["/cifar-10-binary.tar.gz"]);
    }));

  it("a checksum mismatch is a DownloadError and leaves no archive", () =>
    serve(async (base) => {
      const root = join(dir, "dl-bad");
      const e = await failure(loadCifar10({ root, download: true, url: `${base}/cifar-10-binary.tar.gz`, md5: "0".repeat(32) }));
      expect(e).toBeInstanceOf(DownloadError);
      expect(e.message).toContain("checksum mismatch");
      expect(readdirSync(root)).toEqual([]);
    }));

  it("an archive member pointing outside root is refused", () =>
    serve(async (base) => {
      const root = join(dir, "dl-evil", "root");
      const e = await failure(loadCifar10({ root, download: true, url: `${base}/evil.tar.gz`, md5: md5(evil) }));
      expect(e.message).toContain('member "../escape.bin" points outside the folder');
      expect(existsSync(join(dir, "dl-evil", "escape.bin"))).toBe(false);
    }));
});

describe("decodeTar", () => {
  it("reads what our writer and GNU tar write, and rejects a truncated archive", () => {
    const bytes = tar({ "a/b.txt": "hello", "c.bin": new Uint8Array(600).fill(7) });
    expect(decodeTar(bytes).map((e) => [e.name, e.type, e.data.length])).toEqual([["a/b.txt", "file", 5], ["c.bin", "file", 600]]);
    expect(() => decodeTar(bytes.subarray(0, 1636), { source: "x.tar" })).toThrow("x.tar: truncated tar archive: c.bin needs 600 bytes at byte 1536, the archive has 1636");
    expect(() => decodeTar(bytes.subarray(0, 1100), { source: "x.tar" })).toThrow("x.tar: truncated tar archive: 76 stray bytes after 1 entries");
    expect(() => decodeTar(new Uint8Array(512).fill(1), { source: "y.tar" })).toThrow("y.tar: bad tar header at byte 0");
  });

  const gnuTar = spawnSync("tar", ["--version"]).status === 0;
  it.skipIf(!gnuTar)("reads an archive made by the system's tar", () => {
    const src = join(dir, "tar-src");
    put(join(src, "cifar-10-batches-bin", "test_batch.bin"), records([[4]]));
    put(join(src, "cifar-10-batches-bin", `${"long-name-".repeat(12)}.txt`), "x");
    const out = join(dir, "sys.tar.gz");
    expect(spawnSync("tar", ["czf", out, "-C", src, "cifar-10-batches-bin"]).status).toBe(0);
    const files = decodeTar(new Uint8Array(gunzipSync(readFileSync(out)))).filter((e) => e.type === "file");
    expect(files.map((e) => e.name).sort()).toEqual([`cifar-10-batches-bin/${"long-name-".repeat(12)}.txt`, "cifar-10-batches-bin/test_batch.bin"]);
    expect(decodeCifar(files.find((e) => e.name.endsWith(".bin"))!.data).labels[0]).toEqual(Uint8Array.of(4));
  });
});
