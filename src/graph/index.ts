// Public face of src/graph: reverse-mode autodiff and pytrees.
export { grad, valueAndGrad, stopGradient, type GradOptions } from "./grad.js";
export { treeLeaves, treeLeavesWithPaths, treeMap, treeUnflatten, type PyTree, type PathLeaf } from "./pytree.js";
export { trace, type TracedGraph, type TracedNode, type TracedKind, type ScopeCall, type TraceOptions } from "./trace.js";
