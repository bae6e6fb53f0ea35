// Saving a log pane to a file in the working directory: the monitor's only file write.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Status } from './useOperations.js';

interface Line { time: number; source: string | undefined; text: string }

export function saveLogs(title: string, lines: readonly Line[]): Status {
  const file = `dctop-logs-${title.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
  try {
    writeFileSync(file, lines.map((l) => `${new Date(l.time).toISOString()} ${l.source ? `${l.source} ` : ''}${l.text}`).join('\n') + '\n');
    return { text: `saved ${lines.length} lines to ${resolve(file)}`, level: 'success' };
  } catch (error) {
    return { text: `could not save: ${(error as Error).message}`, level: 'error' };
  }
}
