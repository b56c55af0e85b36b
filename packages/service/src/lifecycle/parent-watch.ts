/**
 * Calls `onGone` once when the process's stdin reaches its end: a supervisor that spawns us with a
 * stdin pipe it never writes to holds the pipe's other end, and the kernel closes that end when the
 * supervisor dies, `kill -9` included. That is how a child notices a dead parent without polling.
 */
export function onStdinClosed(onGone: () => void, stdin: NodeJS.ReadableStream = process.stdin): void {
  let fired = false;
  const fire = () => {
    if (fired) return;
    fired = true;
    onGone();
  };
  stdin.on('end', fire);
  stdin.on('close', fire);
  stdin.on('error', fire);
  // flowing mode, data discarded: the supervisor writes nothing, and reading is what sees the end
  stdin.on('data', () => {});
  stdin.resume();
}
