export * from './exchange.js';
export * from './refusals.js';
export * from './transport.js';
export * from './wire.js';
