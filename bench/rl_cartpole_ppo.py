"""rl-cartpole-ppo's PyTorch peer: CleanRL's ppo.py loop (4 envs x 128 steps, GAE, 4 epochs x 4 minibatches, same network
and losses) on a plain-Python CartPole-v1 written from Gymnasium's equations (no gymnasium). Prints environment steps per
second of the whole loop (acting + learning), the figure bench/workloads/rl.ts reports for rivulet.

Run: /usr/bin/python3 bench/rl_cartpole_ppo.py [--iterations 20] [--threads 1]
"""
import argparse
import math
import random
import time

import numpy as np
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical


class CartPole:
    """CartPole-v1: Euler steps, +1 per step, terminal past 2.4 m or 12 degrees, truncated at 500 steps."""

    def __init__(self, rng):
        self.rng = rng

    def reset(self):
        self.state = [self.rng.uniform(-0.05, 0.05) for _ in range(4)]
        self.t = 0
        return self.state

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = 10.0 if action == 1 else -10.0
        cos, sin = math.cos(theta), math.sin(theta)
        temp = (force + 0.05 * theta_dot**2 * sin) / 1.1
        thetaacc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos**2 / 1.1))
        xacc = temp - 0.05 * thetaacc * cos / 1.1
        self.state = [x + 0.02 * x_dot, x_dot + 0.02 * xacc, theta + 0.02 * theta_dot, theta_dot + 0.02 * thetaacc]
        self.t += 1
        x, _, theta, _ = self.state
        terminated = x < -2.4 or x > 2.4 or theta < -12 * 2 * math.pi / 360 or theta > 12 * 2 * math.pi / 360
        truncated = self.t >= 500
        return self.state, 1.0, terminated, truncated


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.critic = nn.Sequential(layer_init(nn.Linear(4, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 1), std=1.0))
        self.actor = nn.Sequential(layer_init(nn.Linear(4, 64)), nn.Tanh(), layer_init(nn.Linear(64, 64)), nn.Tanh(), layer_init(nn.Linear(64, 2), std=0.01))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        probs = Categorical(logits=self.actor(x))
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    rng = random.Random(1)
    num_envs, num_steps, gamma, lam, clip, ent, vf, mgn, epochs, nmb = 4, 128, 0.99, 0.95, 0.2, 0.01, 0.5, 0.5, 4, 4
    batch = num_envs * num_steps
    mb = batch // nmb
    envs = [CartPole(rng) for _ in range(num_envs)]
    agent = Agent()
    opt = torch.optim.Adam(agent.parameters(), lr=2.5e-4, eps=1e-5)
    obs_b = torch.zeros((num_steps, num_envs, 4))
    act_b = torch.zeros((num_steps, num_envs))
    logp_b = torch.zeros((num_steps, num_envs))
    rew_b = torch.zeros((num_steps, num_envs))
    done_b = torch.zeros((num_steps, num_envs))
    val_b = torch.zeros((num_steps, num_envs))
    next_obs = torch.tensor([e.reset() for e in envs], dtype=torch.float32)
    next_done = torch.zeros(num_envs)
    returns_seen = []
    ep_ret = [0.0] * num_envs
    start = None
    for it in range(a.iterations + 1):
        if it == 1:
            start = time.perf_counter()  # the first iteration is a warm-up
        for g in opt.param_groups:
            g["lr"] = (1.0 - it / (a.iterations + 1)) * 2.5e-4
        for step in range(num_steps):
            obs_b[step] = next_obs
            done_b[step] = next_done
            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
            val_b[step] = value.flatten()
            act_b[step] = action
            logp_b[step] = logprob
            nxt, dn = [], []
            for i, e in enumerate(envs):
                o, r, term, trunc = e.step(int(action[i]))
                ep_ret[i] += r
                rew_b[step, i] = r
                if term or trunc:
                    returns_seen.append(ep_ret[i])
                    ep_ret[i] = 0.0
                    o = e.reset()
                nxt.append(o)
                dn.append(float(term or trunc))
            next_obs = torch.tensor(nxt, dtype=torch.float32)
            next_done = torch.tensor(dn)
        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            adv = torch.zeros_like(rew_b)
            last = 0
            for t in reversed(range(num_steps)):
                nnt = 1.0 - (next_done if t == num_steps - 1 else done_b[t + 1])
                nv = next_value if t == num_steps - 1 else val_b[t + 1]
                delta = rew_b[t] + gamma * nv * nnt - val_b[t]
                adv[t] = last = delta + gamma * lam * nnt * last
            ret = adv + val_b
        b_obs, b_logp, b_act = obs_b.reshape(-1, 4), logp_b.reshape(-1), act_b.reshape(-1)
        b_adv, b_ret, b_val = adv.reshape(-1), ret.reshape(-1), val_b.reshape(-1)
        inds = np.arange(batch)
        for _ in range(epochs):
            np.random.shuffle(inds)
            for s in range(0, batch, mb):
                m = inds[s:s + mb]
                _, newlogp, entropy, newv = agent.get_action_and_value(b_obs[m], b_act.long()[m])
                logratio = newlogp - b_logp[m]
                ratio = logratio.exp()
                madv = (b_adv[m] - b_adv[m].mean()) / (b_adv[m].std() + 1e-8)
                pg = torch.max(-madv * ratio, -madv * torch.clamp(ratio, 1 - clip, 1 + clip)).mean()
                newv = newv.view(-1)
                vclip = b_val[m] + torch.clamp(newv - b_val[m], -clip, clip)
                vloss = 0.5 * torch.max((newv - b_ret[m]) ** 2, (vclip - b_ret[m]) ** 2).mean()
                loss = pg - ent * entropy.mean() + vf * vloss
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), mgn)
                opt.step()
    elapsed = time.perf_counter() - start
    sps = a.iterations * batch / elapsed
    print(f"rl-cartpole-ppo (PyTorch {torch.__version__}, {a.threads} thread(s)): {sps:.0f} env steps/s over {a.iterations} iterations; "
          f"mean return of the last 20 episodes {np.mean(returns_seen[-20:]):.1f}")


if __name__ == "__main__":
    main()
