// Fuzz test for decodeImage: seeded mutations of a PNG and a JPEG; each decodes to an image of the declared size or throws a CorruptDataset in the format's terms.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CorruptDataset, decodeImage } from "../../../src/streams/datasets/index.js";
import { mutateBytes, seeded } from "../../_fuzz.js";

const { images } = JSON.parse(readFileSync(fileURLToPath(new URL("../../fixtures/datasets.json", import.meta.url)), "utf8")) as { images: { name: string; file: string }[] };
const fixture = (name: string) => new Uint8Array(Buffer.from(images.find((c) => c.name === name)!.file, "base64"));
const png = fixture("png-rgb");
const jpg = fixture("jpeg-rgb-420");

describe("decodeImage on mutated PNGs", () => {
  it("2000 mutations: an image of the declared size, or a CorruptDataset that names the file and speaks PNG", () => {
    const next = seeded(5);
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = mutateBytes(png, next);
      try {
        const image = decodeImage(bytes, { source: `mutant ${i}` });
        const view = new DataView(bytes.buffer, bytes.byteOffset);
        expect([image.width, image.height, image.data.length]).toEqual([view.getUint32(16), view.getUint32(20), view.getUint32(16) * view.getUint32(20) * 3]);
      } catch (e) {
        if (!(e instanceof CorruptDataset)) throw new Error(`mutant ${i}: ${String(e)} is not a CorruptDataset`);
        expect(e.message, `mutant ${i}`).toMatch(new RegExp(`^mutant ${i}: (corrupt PNG: |not a JPEG or PNG file)`));
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1500);
  });

  it("1000 JPEG mutations: an RGB image, or a CorruptDataset naming the file, never a JavaScript error's text", () => {
    const next = seeded(6);
    let rejected = 0;
    for (let i = 0; i < 1000; i++) {
      try {
        const image = decodeImage(mutateBytes(jpg, next), { source: `mutant ${i}` });
        expect(image.data.length).toBe(image.width * image.height * 3);
      } catch (e) {
        if (!(e instanceof CorruptDataset)) throw new Error(`mutant ${i}: ${String(e)} is not a CorruptDataset`);
        expect(e.message, `mutant ${i}`).toMatch(new RegExp(`^mutant ${i}: (JPEG does not decode: |not a JPEG or PNG file)`));
        expect(e.message, `mutant ${i}`).not.toMatch(/Cannot (read|set) properties|is not a function|undefined/);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(650);
  });
});
