// Mid prices from market events: allMids as they are, a BBO as (bid + ask) / 2. Pure.
import type { BboEvent, MidsEvent } from '@hyperflow/contracts';
import { fx, str } from '../decimal/fixed.js';

export function midsFrom(e: MidsEvent | BboEvent): Record<string, string> {
  if (e.type === 'mids') return e.mids;
  if (e.bid === null || e.ask === null) return {};
  return { [e.coin]: str((fx(e.bid.px) + fx(e.ask.px)) / 2n) };
}
