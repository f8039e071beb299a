// The rule table over every primitive, built on first use (the rule files import ops, which import this).
import type { Rules } from "../rule.js";
import * as elementwise from "./elementwise.js";
import * as reduce from "./reduce.js";
import * as layout from "./layout.js";
import * as indexing from "./indexing.js";
import * as linalg from "./linalg.js";
import * as window from "./window.js";
import * as random from "./random.js";
import * as conv from "./conv.js";
import * as pool from "./pool.js";

let table: Rules | undefined;

export const rules = (): Rules =>
  (table ??= {
    ...elementwise, ...reduce, ...layout, ...indexing, ...linalg, ...window, ...random, ...conv, ...pool,
  } satisfies Rules);
