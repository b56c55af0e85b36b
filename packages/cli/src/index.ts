export { collectStatus, formatStatus, type ServiceReport } from './commands/status.js';
export { formatMessage, tap } from './commands/tap.js';
export { main } from './main.js';
