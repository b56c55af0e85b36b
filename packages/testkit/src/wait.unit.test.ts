import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.js';

describe('waitFor', () => {
  it('resolves once the check holds, sync or async', async () => {
    let n = 0;
    await waitFor(() => ++n >= 3);
    await waitFor(async () => true);
    expect(n).toBe(3);
  });

  it('names what it waited for when it times out', async () => {
    await expect(waitFor(() => false, 50, 'the moon')).rejects.toThrow(
      'timed out after 50 ms waiting for the moon',
    );
  });
});
