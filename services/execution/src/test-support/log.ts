// A Logger that keeps every line, for the modules' unit tests.
import type { Logger } from '../ports.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly obj: object;
  readonly msg: string;
}

export function recordingLog(): { readonly log: Logger; readonly lines: LogLine[]; messages(): string[] } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, obj, msg });
    };
  return {
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') },
    lines,
    messages: () => lines.map((l) => l.msg),
  };
}
