// summary: one row per module call with output shape and own parameter count, shared layers marked, totals.
import { describe, expect, it } from "vitest";
import { nn, key, tensor } from "../../src/index.js";
import { fixedHiddenMLP } from "./_models.js";

const lin = (i: number, o: number): nn.Module => nn.linear({ inFeatures: i, outFeatures: o });

describe("summary", () => {
  it("prints each call's output shape and parameters, marking a shared layer's second use", () => {
    const shared = lin(8, 8);
    const net = nn.sequential([lin(4, 8), nn.relu(), shared, nn.relu(), shared, nn.relu(), lin(8, 1)]);
    const lines = nn.summary(net, [2, 4]).split("\n");
    expect(lines[1]).toMatch(/^Layer \(type \(path\)\)\s+Output Shape\s+Param #$/);
    expect(lines[3]).toMatch(/^Sequential\s+\[2, 1\]\s+--$/);
    expect(lines[4]).toMatch(/^ {2}Linear \(0\)\s+\[2, 8\]\s+40$/);
    expect(lines[6]).toMatch(/^ {2}Linear \(2\)\s+\[2, 8\]\s+72$/);
    expect(lines[8]).toMatch(/^ {2}Linear \(4\)\s+\[2, 8\]\s+\(recursive\)$/);
    expect(lines).toContain("Total params: 121");
  });

  it("shows nested and user-defined modules, a layer called twice, integer inputs and given variables", () => {
    const text = nn.summary(nn.sequential([lin(20, 20), fixedHiddenMLP()]), [3, 20]);
    expect(text).toMatch(/ {2}FixedHiddenMLP \(1\)\s+\[\]\s+--/);
    expect(text).toMatch(/ {4}Linear \(1\.linear\)\s+\[3, 20\]\s+420\n {4}Linear \(1\.linear\)\s+\[3, 20\]\s+\(recursive\)/);
    const emb = nn.sequential([nn.embedding({ numEmbeddings: 10, embeddingDim: 4 }), nn.flatten()]);
    expect(nn.summary(emb, [2, 3], { dtype: "int32" })).toMatch(/Flatten \(1\)\s+\[2, 12\]/);
    const v = emb.init(key(1));
    expect(nn.summary(emb, tensor([[1, 2]], { dtype: "int32" }), { variables: v })).toMatch(/Embedding \(0\)\s+\[1, 2, 4\]\s+40/);
  });
});
