// An actor-critic as one module for checkpoints, with CleanRL's state_dict names (critic.*, actor.* or actor_mean.* and actor_logstd).
import type { Tensor } from "../ops/Tensor.js";
import { defineModule, type Module, type Params } from "../nn/Module.js";
import { Effect } from "effect";
import { loadCheckpoint, saveCheckpoint } from "../streams/checkpoint.js";
import { zeros } from "../nn/init.js";
import type { ActorCritic, AgentParams } from "./policies.js";

/** The agent as one module (CleanRL's `Agent`): children `critic` and `actor` (categorical) or `actor_mean` plus the `actor_logstd` parameter (Gaussian). */
export const agentModule = (agent: ActorCritic): Module =>
  agent.kind === "categorical"
    ? defineModule({ kind: "Agent", children: { critic: agent.critic, actor: agent.actor }, forward: ({ children }, x: Tensor) => children.actor(x) })
    : defineModule({
        kind: "Agent",
        children: { critic: agent.critic, actor_mean: agent.actor },
        params: { actor_logstd: { shape: [1, agent.actionSize], init: zeros() } },
        forward: ({ children }, x: Tensor) => children.actor_mean(x),
      });

/** AgentParams as the agent module's params. */
export const agentVariables = (agent: ActorCritic, p: AgentParams): Params =>
  agent.kind === "categorical" ? { critic: p.critic, actor: p.actor } : { critic: p.critic, actor_mean: p.actor, actor_logstd: p.logStd! };

/** The agent module's params as AgentParams. */
export const fromAgentVariables = (agent: ActorCritic, v: Params): AgentParams =>
  agent.kind === "categorical"
    ? { critic: v.critic as Params, actor: v.actor as Params }
    : { critic: v.critic as Params, actor: v.actor_mean as Params, logStd: v.actor_logstd as Tensor };

/**
 * Saves the agent's params as safetensors under CleanRL's state_dict names (saveCheckpoint with the agent module) with string metadata (the environment, sizes, statistics).
 * @example
 * await saveAgent("runs/cartpole/agent.safetensors", agent, params, { "rl.env": "CartPole-v1" });
 */
export const saveAgent = (path: string, agent: ActorCritic, params: AgentParams, metadata: Readonly<Record<string, string>> = {}): Promise<void> =>
  Effect.runPromise(saveCheckpoint(path, { params: agentVariables(agent, params) }, { model: agentModule(agent), metadata: { "rl.hidden": agent.hidden.join(","), ...metadata } }));

/** Loads params saved by `saveAgent` into `agent`'s architecture (a checkpoint that does not fit names each offending entry). */
export const loadAgent = async (path: string, agent: ActorCritic): Promise<{ params: AgentParams; metadata: Readonly<Record<string, string>> }> => {
  const loaded = await Effect.runPromise(loadCheckpoint(path, { model: agentModule(agent) }));
  return { params: fromAgentVariables(agent, loaded.variables.params), metadata: loaded.metadata };
};
