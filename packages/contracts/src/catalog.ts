import type { z } from 'zod';
import { ControlCommand, DeadLetter } from './control.js';
import { AccountEvent, OrderEvent, RiskStateChanged } from './execution.js';
import { HealthEvent } from './health.js';
import { MarketEvent } from './market.js';
import { SignalEmitted } from './signal.js';

export interface CatalogEntry {
  readonly name: string;
  readonly schema: z.ZodType;
  /** subject pattern the messages travel on (`<net>` = mainnet|testnet|sim) */
  readonly subject: string;
  readonly description: string;
}

/** Every message that crosses a service boundary, with its subject: the public contract. */
export const CATALOG: readonly CatalogEntry[] = [
  {
    name: 'MarketEvent',
    schema: MarketEvent,
    subject:
      'hl.<net>.md.{trade,book,bbo,ctx}.<coin> | hl.<net>.md.candle.<interval>.<coin> | hl.<net>.md.mids.<dex|_>',
    description: 'Normalized venue market data (trade, book, bbo, candle, ctx, mids).',
  },
  {
    name: 'HealthEvent',
    schema: HealthEvent,
    subject: 'hl.<net>.md.health.{feed,gap,drift}.<instance>',
    description: 'Feed health changes, gap markers and WS/REST drift from an ingestor.',
  },
  {
    name: 'SignalEmitted',
    schema: SignalEmitted,
    subject: 'hl.<net>.signal.<strategy>.<coin>',
    description: 'A strategy decision, with the market events that caused it.',
  },
  {
    name: 'OrderEvent',
    schema: OrderEvent,
    subject: 'hl.<net>.exec.order.<cloid>',
    description: 'Every step of one order; the subject is the order aggregate event stream.',
  },
  {
    name: 'RiskStateChanged',
    schema: RiskStateChanged,
    subject: 'hl.<net>.exec.risk',
    description: 'Execution risk state ACTIVE / REDUCE_ONLY / HALTED.',
  },
  {
    name: 'AccountEvent',
    schema: AccountEvent,
    subject: 'hl.<net>.acct.{fill,position}.<coin> | hl.<net>.acct.balance',
    description: 'Fills, positions and balances of the trading account.',
  },
  {
    name: 'ControlCommand',
    schema: ControlCommand,
    subject: 'hl.<net>.ctl.{all,execution,strategy}',
    description: 'Operator commands: halt, resume, reduce-only, strategy on/off.',
  },
  {
    name: 'DeadLetter',
    schema: DeadLetter,
    subject: 'hl.<net>.dlq.<service>',
    description: 'A message a service could not process, with the reason and the original payload.',
  },
];
