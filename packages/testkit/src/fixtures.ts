import { readFileSync } from 'node:fs';

/** Reads a JSON fixture that lives beside the test (`new URL('./fixtures/x.json', import.meta.url)`). */
export function loadFixture<T = unknown>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
