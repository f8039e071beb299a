// The event-loop pacing shared by the RL sources: one turn of work per setImmediate, so timers, I/O and unsubscription
// get their turn between rollouts, episodes or updates.
import type { Subscriber } from "rxjs";

/**
 * Runs `turn` once per event-loop turn until the subscriber is closed (the turn completes or errors it, or the consumer
 * unsubscribes); a throw errors the stream. Returns the teardown that cancels the pending turn.
 */
export const pacedLoop = (subscriber: Subscriber<unknown>, turn: () => void): (() => void) => {
  let handle: ReturnType<typeof setImmediate> | undefined;
  const run = (): void => {
    handle = undefined;
    if (subscriber.closed) return;
    try {
      turn();
    } catch (e) {
      return subscriber.error(e);
    }
    if (!subscriber.closed) handle = setImmediate(run);
  };
  handle = setImmediate(run);
  return () => {
    if (handle !== undefined) clearImmediate(handle);
  };
};
