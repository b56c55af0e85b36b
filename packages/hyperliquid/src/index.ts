export * from './exchange.js';
export * from './transport.js';
export * from './wire.js';
