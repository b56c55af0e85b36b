export { loadFixture } from './fixtures.js';
export { type TestScope, testScope } from './isolation.js';
export { findNatsServer, type NatsHandle, startNats, TestkitError } from './nats.js';
export { type FakeWsServer, startFakeWsServer } from './ws-server.js';
