export { assertNever, CoreError } from './errors.js';
export {
  type Clock,
  type Logger,
  silentLogger,
  systemClock,
  systemTimers,
  type TimerHandle,
  type Timers,
} from './ports.js';
export { sha256Hex } from './sha256.js';
