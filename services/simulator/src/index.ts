export { type Clock, ManualClock } from './clock.js';
export { SimulatorError } from './errors.js';
export type { StallTarget } from './faults/faults.js';
export { DEFAULT_UNIVERSE, PerpSpec, SpotPair, SpotToken, Universe } from './market/universe.js';
export type { LedgerEntry } from './matching/types.js';
export { parseRecording, type RecordedFrame } from './replay/recording.js';
export { type Faults, type SimulatorHandle, type SimulatorOptions, startSimulator } from './simulator.js';
