// An environment as an Observable source: every step of an agent acting in it, episode after episode, until unsubscribed.
import { Observable } from "rxjs";
import { foldIn, type Key } from "../ops/random.js";
import type { Action } from "./spaces.js";
import type { Env, EnvStepResult } from "./Env.js";
import { pacedLoop } from "./_pacedLoop.js";

/** One step: the observation acted on, the action, and what the environment returned. */
export interface Transition<O, A> extends EnvStepResult<O> {
  readonly episode: number;
  readonly step: number;
  readonly previous: O;
  readonly action: A;
}

/**
 * The transitions of `choose` acting in `env`: episode k starts with `reset(foldIn(key, k))`; the next episode
 * begins after a terminated or truncated step. Lazy and synchronous per step, yielding to the event loop between
 * episodes; unsubscribing (e.g. `take(n)`) stops the stepping.
 * @example
 * transitions(cartPole(), () => 1, key(0)).pipe(take(10)).subscribe((t) => console.log(t.observation));
 */
export const transitions = <O, A extends Action>(env: Env<O, A>, choose: (observation: O, key: Key) => A, key: Key): Observable<Transition<O, A>> =>
  new Observable<Transition<O, A>>((subscriber) => {
    let k = 0;
    return pacedLoop(subscriber, () => {
      const ek = foldIn(key, k);
      let obs = env.reset(foldIn(ek, 0));
      for (let t = 1; !subscriber.closed; t++) {
        const action = choose(obs, foldIn(ek, t));
        const r = env.step(action);
        subscriber.next({ ...r, episode: k, step: t, previous: obs, action });
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
      k++;
    });
  });
