export {
  type ClusterNode,
  type ClusterOptions,
  type NatsCluster,
  startNatsCluster,
  type WaitOptions,
} from './cluster.js';
export { NatsLocalError } from './errors.js';
export {
  type LocateOptions,
  locateNatsServer,
  type NatsServerBinary,
  natsServerCandidates,
  REPO_ROOT,
  readNatsVersions,
  serverVersion,
} from './locate.js';
export {
  compareVersions,
  describeRange,
  INSTALL_COMMAND,
  isSupported,
  type NatsVersions,
  parseNatsVersions,
  unsupportedMessage,
  versionFromOutput,
} from './versions.js';
