// Making a dataset from its recipe (module + export + JSON args), in the main thread and in loader workers alike.
import type { Dataset } from "./Dataset.js";
import type { DatasetRecipe } from "./workers.js";

/** Imports the recipe's module and builds the dataset its export describes; errors name the module and export. */
export const makeDataset = async <T>(recipe: DatasetRecipe, op: string): Promise<Dataset<T>> => {
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const made = mod[recipe.export];
  if (made === undefined) throw new Error(`${op}: module ${recipe.module} has no export "${recipe.export}" (exports: ${Object.keys(mod).join(", ")})`);
  const ds = (typeof made === "function" ? await (made as (...a: unknown[]) => unknown)(...(recipe.args ?? [])) : made) as Dataset<T>;
  if (typeof ds?.get !== "function" || typeof ds.length !== "number")
    throw new Error(`${op}: export "${recipe.export}" of ${recipe.module} did not give a dataset ({ length, get(i) })`);
  return ds;
};
