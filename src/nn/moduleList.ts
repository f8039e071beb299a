// ModuleList (torch.nn.ModuleList): numbered sub-modules a parent calls one at a time.
import { defineModule, type AnyModule, type Children, type Module } from "./Module.js";

/** A call of one member of a ModuleList. */
export interface ModuleListCall<I> {
  readonly index: number;
  readonly input: I;
}

/**
 * PyTorch's ModuleList: numbered children (state_dict `layers.0.…`), each a fresh module with its own parameters;
 * the parent calls member `index` through it.
 * @example
 * const blocks = nn.moduleList([block(), block()]);
 * // inside a parent's forward: x = children.blocks({ index: i, input: x });
 */
export const moduleList = <I, O>(mods: readonly Module<I, O>[]): Module<ModuleListCall<I>, O> =>
  defineModule<ModuleListCall<I>, O, Children>({
    kind: "ModuleList",
    children: Object.fromEntries(mods.map((m, i) => [String(i), m as unknown as AnyModule])),
    forward: ({ children, fail }, { index, input }) => {
      const f = (children as unknown as Record<string, ((x: I) => O) | undefined>)[String(index)];
      if (!f) return fail(`has no member ${index} (it has ${mods.length})`);
      return f(input);
    },
  });
