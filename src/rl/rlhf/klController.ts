// The KL coefficient of RLHF's PPO as a value: fixed, or adapted toward a target KL (Ziegler et al. 2019; TRL's AdaptiveKLController).

/** The current KL coefficient and how it changes after a batch whose mean KL was `kl`, over `steps` samples. */
export interface KlController {
  readonly value: number;
  update(kl: number, steps: number): KlController;
}

/**
 * A coefficient that never changes.
 * @example
 * const kl = fixedKlController(0.05);
 */
export const fixedKlController = (value: number): KlController => {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`fixedKlController: the coefficient must be a finite number ≥ 0, got ${value}`);
  const self: KlController = { value, update: () => self };
  return self;
};

/** Options of `adaptiveKlController` (TRL's PPOConfig defaults: init_kl_coef 0.2, target 6, horizon 10000). */
export interface AdaptiveKlOptions {
  readonly initKlCoef?: number;
  readonly target?: number;
  readonly horizon?: number;
}

/**
 * A coefficient that grows when the measured KL exceeds `target` and shrinks below it: after a batch of `steps` samples
 * with mean KL `kl`, it is multiplied by 1 + clip(kl/target − 1, ±0.2) · steps/horizon.
 * @example
 * let kl = adaptiveKlController({ target: 6 });
 * kl = kl.update(meanKl, batchSize);
 */
export const adaptiveKlController = ({ initKlCoef = 0.2, target = 6, horizon = 10_000 }: AdaptiveKlOptions = {}): KlController => {
  for (const [name, v] of Object.entries({ initKlCoef, target, horizon }))
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`adaptiveKlController: ${name} must be a positive number, got ${v}`);
  const make = (value: number): KlController => ({
    value,
    update: (kl, steps) => {
      const error = Math.min(0.2, Math.max(-0.2, kl / target - 1));
      return make(value * (1 + (error * steps) / horizon));
    },
  });
  return make(initKlCoef);
};
