// The ingestor core's ports for time, timers and logging: the shared shapes of @hyperflow/core. Adapters
// over the venue client, the bus, prom-client and the file system implement them; unit tests use fakes.

export { type Clock, type Logger, silentLogger, type TimerHandle, type Timers } from '@hyperflow/core';
