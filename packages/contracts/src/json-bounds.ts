/** How large and how deeply nested a JSON text may be before anyone parses or walks it. */
export interface JsonLimits {
  /** UTF-16 code units of the text (≈ bytes for the ASCII JSON the venue and the bus carry) */
  readonly maxChars: number;
  /** nesting of objects and arrays; `{}` is depth 1 */
  readonly maxDepth: number;
}

/**
 * Default bounds for one message: NATS refuses payloads over 1 MiB by default, and no contract
 * nests deeper than about 6 (a book level inside a side inside a frame).
 */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxChars: 1024 * 1024, maxDepth: 64 };

/**
 * Why `text` breaks `limits`, or undefined. One pass, no recursion and no allocation, so a frame
 * nested 10 000 levels deep is refused before JSON.parse builds it (and before anything that
 * walks the result recursively, JSON.stringify included, overflows the stack on it).
 */
export function jsonBoundsProblem(
  text: string,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
): string | undefined {
  if (text.length > limits.maxChars)
    return `${text.length} characters exceed the limit of ${limits.maxChars}`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return undefined;
}
