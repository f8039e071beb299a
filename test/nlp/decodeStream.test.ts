// decodeStream: token ids to text pieces that never split a UTF-8 character, joined equal to decode.
import { from, lastValueFrom, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { decodeStream, loadTokenizer } from "../../src/nlp/index.js";

const tok = loadTokenizer("gpt2");
const pieces = (ids: readonly number[]) => lastValueFrom(from(ids).pipe(decodeStream(tok), toArray()));

describe("decodeStream", () => {
  it("holds back partial characters (an emoji is several byte tokens) and joins to decode's text", async () => {
    const text = "naïve 🎉 café — 日本語";
    const ids = tok.encode(text);
    // GPT-2 splits 🎉 into byte tokens that are not valid UTF-8 alone.
    expect(ids.some((id) => tok.decode([id]).includes("\uFFFD"))).toBe(true);
    const out = await pieces(ids);
    expect(out.join("")).toBe(text);
    expect(out.some((p) => p.includes("\uFFFD"))).toBe(false);
    expect(out.length).toBeLessThan(ids.length); // some ids emitted nothing on their own
  });

  it("ends dangling bytes with U+FFFD, as decode does", async () => {
    const ids = tok.encode("ok 🎉").slice(0, -1);
    expect((await pieces(ids)).join("")).toBe(tok.decode(ids));
    expect(tok.decode(ids).endsWith("\uFFFD")).toBe(true);
  });
});
