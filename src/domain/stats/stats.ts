/**
 * Statistics for champion/challenger pilots of collection strategies: normal and t
 * distributions, tests and intervals for rates and means, bootstrap intervals for skewed and
 * ratio metrics, and sample sizes. Pure functions; randomness only from a seeded generator.
 */
export * from './common.ts';
export * from './distributions.ts';
export * from './proportions.ts';
export * from './means.ts';
export * from './bootstrap.ts';
export * from './sample-size.ts';
