// Identity: a placeholder layer that returns its input (torch.nn.Identity), handy when surgery removes a layer.
import type { Tensor } from "../ops/Tensor.js";
import { defineModule, type Module } from "./Module.js";

/**
 * Returns its input unchanged (torch.nn.Identity).
 * @example
 * const headless = nn.setModule(model, "fc", nn.identity());
 */
export const identity = (): Module => defineModule({ kind: "Identity", forward: (_ctx, x: Tensor) => x });
