/** Bulwark's public library API: numbers, market model, prices, margin maths, statutory margin, engine, journal and the calculator contract. */
export * from './numbers/index.js';
export * from './market/index.js';
export * from './prices/index.js';
export * from './margin/index.js';
export * from './calc/index.js';
export * from './simulator/index.js';
export * from './journal/index.js';
export * from './engine/index.js';
export * from './ledger/index.js';
export * from './statutory/index.js';
