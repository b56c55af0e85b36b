import { createWriteStream, type WriteStream } from 'node:fs';
import type { FrameRecorder } from '../feed/ingestor.js';

/**
 * Raw-frame recording: one JSON line per venue data frame, `{"recvTsMs":…,"frame":{"channel":…,
 * "data":…}}`, the frame as the venue sent it (re-serialized) with our receive time, so a replay
 * can reproduce the feed with its original timing.
 */
export class JsonlRecorder implements FrameRecorder {
  private readonly out: WriteStream;
  private dropped = 0;

  constructor(path: string) {
    this.out = createWriteStream(path, { flags: 'a' });
  }

  write(f: { readonly recvTsMs: number; readonly channel: string; readonly data: unknown }): void {
    // a recording must never slow the live path: drop lines while the file cannot keep up
    if (this.out.writableNeedDrain) {
      this.dropped += 1;
      return;
    }
    this.out.write(
      `${JSON.stringify({ recvTsMs: f.recvTsMs, frame: { channel: f.channel, data: f.data } })}\n`,
    );
  }

  get droppedLines(): number {
    return this.dropped;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}
