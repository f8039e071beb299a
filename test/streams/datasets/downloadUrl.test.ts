// Tests for downloads (downloadUrl, and fashionMnist's download: true) against a real HTTP server on 127.0.0.1.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Effect } from "effect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DownloadError, downloadUrl, fashionMnist, loadFashionMnist } from "../../../src/streams/datasets/index.js";
import { gz, md5, tinyMnist } from "./_fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "rivulet-download-"));
const failure = <E>(program: Effect.Effect<unknown, E>): Promise<E> => Effect.runPromise(Effect.flip(program));

// Two mirrors laid out like the official one: /good/ serves every file, /broken/ a corrupted image file, anything else 404.
const { images, labels } = tinyMnist(6);
const good: Record<string, Uint8Array> = { "train-images-idx3-ubyte.gz": gz(images), "train-labels-idx1-ubyte.gz": gz(labels) };
const broken: Record<string, Uint8Array> = { ...good, "train-images-idx3-ubyte.gz": good["train-images-idx3-ubyte.gz"]!.map((b, i) => (i === 20 ? b ^ 0xff : b)) };
const checksums = Object.fromEntries(Object.entries(good).map(([name, bytes]) => [name, md5(bytes)]));
const requests: string[] = [];
let server: Server;
let base = "";
let closedPort = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const [, mirror, name] = (req.url ?? "").split("/");
    const body = (mirror === "good" ? good : mirror === "broken" ? broken : {})[name ?? ""];
    if (body === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    // Two chunks, so the download is really streamed rather than read at once.
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.write(body.subarray(0, 10));
    setTimeout(() => res.end(body.subarray(10)), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nothing listens on: bind one, note it, close it.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("downloadUrl", () => {
  it("streams to the target when the MD5 matches, leaving no temporary file", async () => {
    const folder = join(dir, "ok");
    mkdirSync(folder);
    const path = join(folder, "labels.gz");
    await Effect.runPromise(downloadUrl(`${base}/good/train-labels-idx1-ubyte.gz`, path, { md5: checksums["train-labels-idx1-ubyte.gz"]! }));
    expect(new Uint8Array(readFileSync(path))).toEqual(good["train-labels-idx1-ubyte.gz"]);
    expect(readdirSync(folder)).toEqual(["labels.gz"]);
  });

  it("a checksum mismatch fails and leaves nothing in the folder", async () => {
    const folder = join(dir, "mismatch");
    mkdirSync(folder);
    const e = await failure(downloadUrl(`${base}/broken/train-images-idx3-ubyte.gz`, join(folder, "images.gz"), { md5: checksums["train-images-idx3-ubyte.gz"]! }));
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toContain(`checksum mismatch: expected MD5 ${checksums["train-images-idx3-ubyte.gz"]}, got ${md5(broken["train-images-idx3-ubyte.gz"]!)}`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("a 404 fails naming the URL and the status", async () => {
    const folder = join(dir, "404");
    mkdirSync(folder);
    const e = await failure(downloadUrl(`${base}/good/missing.gz`, join(folder, "missing.gz")));
    expect(e.attempts).toEqual([{ url: `${base}/good/missing.gz`, reason: "HTTP 404 Not Found" }]);
    expect(readdirSync(folder)).toEqual([]);
  });

  it("an unreachable host says the network looks unreachable", async () => {
    const e = await failure(downloadUrl(`http://127.0.0.1:${closedPort}/x.gz`, join(dir, "x.gz")));
    expect(e.message).toContain("the network looks unreachable (offline?)");
    expect(e.message).toContain("ECONNREFUSED");
    expect(existsSync(join(dir, "x.gz"))).toBe(false);
  });
});

describe("fashionMnist({ download: true })", () => {
  const options = (root: string, mirrors: string[]) => ({ root, download: true, mirrors, md5: checksums, systemDir: null });

  it("downloads into <root>/FashionMNIST/raw, trying the next mirror after a 404 and a corrupt file, then loads", async () => {
    const root = join(dir, "fm");
    requests.length = 0;
    const ds = await fashionMnist(options(root, [`${base}/gone/`, `${base}/broken/`, `${base}/good/`]));
    expect([ds.length, ds.get(5).target]).toEqual([6, 5]);
    expect(readdirSync(join(root, "FashionMNIST", "raw")).sort()).toEqual(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]);
    expect(requests).toEqual([
      "/gone/train-images-idx3-ubyte.gz", "/broken/train-images-idx3-ubyte.gz", "/good/train-images-idx3-ubyte.gz",
      "/gone/train-labels-idx1-ubyte.gz", "/broken/train-labels-idx1-ubyte.gz",
    ]);
    // Downloaded once: a second load finds the files and asks nothing.
    requests.length = 0;
    await fashionMnist(options(root, [`${base}/good/`]));
    expect(requests).toEqual([]);
  });

  it("fails with a DownloadError when every mirror is wrong, leaving the cache without a file", async () => {
    const root = join(dir, "fm-bad");
    const e = await failure(loadFashionMnist(options(root, [`${base}/broken/`, `${base}/gone/`])));
    expect(e).toBeInstanceOf(DownloadError);
    expect(e.message).toContain("downloading train-images-idx3-ubyte.gz failed");
    expect(e.message).toContain("checksum mismatch");
    expect(e.message).toContain("HTTP 404");
    expect(readdirSync(join(root, "FashionMNIST", "raw"))).toEqual([]);
  });

  it("download: true without a root is a DatasetNotFound saying a root is needed", async () => {
    const e = await failure(loadFashionMnist({ download: true, systemDir: null }));
    expect(e.message).toContain("download: true needs a root");
  });
});
