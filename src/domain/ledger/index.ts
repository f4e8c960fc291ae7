export * from './types.ts';
export * from './policy.ts';
export * from './allocation.ts';
export * from './delinquency.ts';
export * from './order.ts';
