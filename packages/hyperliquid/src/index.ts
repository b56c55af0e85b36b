export * from './transport.js';
export * from './wire.js';
