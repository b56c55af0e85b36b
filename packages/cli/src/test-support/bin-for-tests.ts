// Runs the CLI from source (tests spawn it with `node --conditions=source --import tsx`).
import { main } from '../main.js';

process.exitCode = await main(process.argv.slice(2));
