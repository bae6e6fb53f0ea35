export * from './dates.js';
export * from './frames.js';
export * from './kinds.js';
export * from './states.js';
export * from './types.js';
export * from './uri.js';
export * from './metrics.js';
export * from './summary.js';
