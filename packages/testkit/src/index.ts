export {
  type ClusterNode,
  type ClusterOptions,
  type NatsCluster,
  startNatsCluster,
  type WaitOptions,
} from '@hyperflow/nats-local';
export { FakeTime, ManualTime, settle } from './fake-time.js';
export { loadFixture } from './fixtures.js';
export { type TestScope, testScope } from './isolation.js';
export {
  type BinaryOptions,
  findNatsServer,
  type NatsHandle,
  startNats,
  startNatsBinary,
  TestkitError,
} from './nats.js';
export { waitFor } from './wait.js';
export { type FakeWsServer, startFakeWsServer } from './ws-server.js';
