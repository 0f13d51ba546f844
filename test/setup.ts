import fc from 'fast-check';

/**
 * Property tests reproduce: every `fc.assert` without its own seed starts from one fixed seed, so a CI run
 * fails only on a real regression and a failure replays. `FC_SEED=<n>` picks another seed and
 * `FC_SEED=random` explores with a fresh one each run (fast-check prints it on failure).
 */
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 0x0b17_2026 : Number(seed) });
