import { withAsset } from '@hyperflow/hyperliquid/internal';
import { ExchangeRequest } from '../auth/actions.js';
import { NonceStore } from '../auth/nonces.js';
import type { Clock } from '../clock.js';
import {
  authorize,
  batchSize,
  type ExchangeResponse,
  execute,
  executeUserSigned,
  isUserSigned,
  toPlace,
} from '../exchange/exchange.js';
import { FaultState } from '../faults/faults.js';
import { answerInfo, FUNDING_RATE, InfoRequest } from '../info/info.js';
import { AddressBudget } from '../limits/address-budget.js';
import { IpWeights } from '../limits/ip-weights.js';
import { exchangeWeight, infoBaseWeight, infoExtraWeight } from '../limits/weights.js';
import { formatDecimal, parseDecimal, SCALE } from '../market/decimal.js';
import { MarketGenerator } from '../market/generator.js';
import type { MoveRequest, MoveResult } from '../market/move.js';
import { marketsOf, type Universe } from '../market/universe.js';
import { Engine } from '../matching/engine.js';
import type { EngineEvent } from '../matching/types.js';
import { Twaps } from '../twap/twaps.js';
import { recordLedger } from './ledger.js';
import type { VenueState } from './state.js';

/** venue: a JSON body of the wrong shape gets HTTP 422 with this plain text (doc §2) */
export const DESERIALIZE_ERROR = 'Failed to deserialize the JSON body into the target type';
/** venue [UNCONFIRMED, the framework's text]: a body that is not JSON gets HTTP 400 */
export const PARSE_ERROR = 'Failed to parse the request body as JSON';
/** venue [UNCONFIRMED, the framework's text]: a Content-Type other than JSON gets HTTP 415 */
export const CONTENT_TYPE_ERROR = 'Expected request with `Content-Type: application/json`';

const BUILDER_SEED = 0x48495033; // "HIP3"
const FUNDING_INTERVAL_MS = 3_600_000; // venue: funding is paid hourly

export interface VenueOptions {
  readonly universe: Universe;
  readonly seed: number;
  readonly clock: Clock;
  /** address → USDC balance (decimal string) */
  readonly accounts: Readonly<Record<string, string>>;
  /** agent address → master address */
  readonly agents: Readonly<Record<string, string>>;
  readonly isMainnet: boolean;
  readonly ipWeightPerMinute: number;
  readonly addressBudgetInitial: number;
  /** USDC volume needed before scheduleCancel is allowed (venue: 1,000,000) */
  readonly scheduleCancelMinVolume: number;
  readonly takerProbability?: number;
  /** vault address → its name and leader (vaultTransfer targets) */
  readonly vaults?: Readonly<Record<string, { readonly name: string; readonly leader: string }>>;
  /** address → spot token → balance (decimal string); standard mode keeps it apart from perp USDC */
  readonly spotBalances?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** A transport-neutral reply: HTTP status and JSON body. */
export interface VenueReply {
  readonly status: number;
  readonly body: unknown;
}

/** The exchange behind both transports: state, rules, limits, and the tick that moves the market. */
export class Venue {
  readonly state: VenueState;
  readonly faults = new FaultState();
  /** the first dex and spot; builder dexes walk on their own seed so adding one changes no other book */
  private readonly generators: readonly MarketGenerator[];
  private readonly weights: IpWeights;
  private readonly listeners: ((events: EngineEvent[]) => void)[] = [];
  private lastFundingHour: number;

  constructor(private readonly opts: VenueOptions) {
    const markets = marketsOf(opts.universe);
    const engine = new Engine({ markets });
    // venue: a deposit lands on the perp balance; spot starts empty unless configured
    for (const [addr, usdc] of Object.entries(opts.accounts))
      engine.fund(addr.toLowerCase(), parseDecimal(usdc) ?? 0n);
    for (const [addr, tokens] of Object.entries(opts.spotBalances ?? {}))
      for (const [token, amount] of Object.entries(tokens))
        engine.fundSpot(addr.toLowerCase(), token, parseDecimal(amount) ?? 0n);
    this.state = {
      universe: opts.universe,
      engine,
      nonces: new NonceStore(),
      budget: new AddressBudget(opts.addressBudgetInitial),
      agents: new Map(Object.entries(opts.agents).map(([a, m]) => [a.toLowerCase(), m.toLowerCase()])),
      agentNames: new Map(),
      scheduledCancels: new Map(),
      isMainnet: opts.isMainnet,
      scheduleCancelMinVolume: BigInt(opts.scheduleCancelMinVolume) * SCALE,
      ledgerUpdates: new Map(),
      fundings: new Map(),
      subAccounts: new Map(),
      vaults: new Map(
        Object.entries(opts.vaults ?? {}).map(([addr, v]) => [
          addr.toLowerCase(),
          { name: v.name, leader: v.leader.toLowerCase(), equities: new Map() },
        ]),
      ),
      twaps: new Twaps(),
    };
    // venue: a funded account's history starts with its deposit
    const start = opts.clock.now();
    for (const [addr, usdc] of Object.entries(opts.accounts)) {
      const user = addr.toLowerCase();
      const amount = formatDecimal(parseDecimal(usdc) ?? 0n, 1);
      recordLedger(this.state, user, start, { type: 'deposit', usdc: amount });
    }
    const taker = opts.takerProbability !== undefined ? { takerProbability: opts.takerProbability } : {};
    const builder = markets.filter((m) => m.dex !== '');
    this.generators = [
      new MarketGenerator(
        markets.filter((m) => m.dex === ''),
        { seed: opts.seed, ...taker },
      ),
      ...(builder.length > 0
        ? [new MarketGenerator(builder, { seed: (opts.seed ^ BUILDER_SEED) >>> 0, ...taker })]
        : []),
    ];
    this.weights = new IpWeights(opts.ipWeightPerMinute);
    this.lastFundingHour = Math.floor(start / FUNDING_INTERVAL_MS);
  }

  get engine(): Engine {
    return this.state.engine;
  }

  now(): number {
    return this.opts.clock.now();
  }

  onEvents(listener: (events: EngineEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** One market step at the clock's time; fires due scheduled cancels (venue: status scheduledCancel). */
  tick(): void {
    const now = this.now();
    for (const g of this.generators) g.step(this.engine, now);
    this.state.twaps.step(this.engine, now);
    const hour = Math.floor(now / FUNDING_INTERVAL_MS);
    if (hour > this.lastFundingHour) {
      this.lastFundingHour = hour;
      this.engine.applyFunding(hour * FUNDING_INTERVAL_MS, FUNDING_RATE);
    }
    for (const [user, at] of this.state.scheduledCancels) {
      if (at > now) continue;
      this.state.scheduledCancels.delete(user);
      this.engine.cancelAll(user, 'scheduledCancel', now);
    }
    this.flush();
  }

  /** Forced price move (test control): requotes at once; the next tick prints a trade there. */
  move(req: MoveRequest): MoveResult | undefined {
    let r: MoveResult | undefined;
    for (const g of this.generators) r ??= g.move(this.engine, req, this.now());
    this.flush();
    return r;
  }

  private flush(): void {
    const events = this.engine.drainEvents();
    if (events.length === 0) return;
    for (const ev of events) {
      if (ev.type !== 'userFunded') continue;
      const list = this.state.fundings.get(ev.user) ?? [];
      list.push(ev.funding);
      this.state.fundings.set(ev.user, list);
    }
    for (const l of this.listeners) l(events);
  }

  private limited(ip: string, weight: number, now: number): boolean {
    if (this.faults.rateLimitedUntil > now) return true;
    return !this.weights.tryDebit(ip, weight, now);
  }

  /** POST /info */
  info(raw: unknown, ip: string): VenueReply {
    const now = this.now();
    const parsed = InfoRequest.safeParse(raw);
    const type = typeof raw === 'object' && raw !== null && 'type' in raw ? String(raw.type) : '';
    // venue: 429 with a JSON null body
    if (this.limited(ip, infoBaseWeight(type), now)) return { status: 429, body: null };
    if (!parsed.success) return { status: 422, body: DESERIALIZE_ERROR };
    const answer = answerInfo(this.state, parsed.data, now);
    this.weights.debit(ip, infoExtraWeight(parsed.data.type, answer.items), now);
    return { status: 200, body: answer.data };
  }

  /** POST /exchange */
  exchange(raw: unknown, ip: string): VenueReply {
    const now = this.now();
    const parsed = ExchangeRequest.safeParse(raw);
    const weight = parsed.success ? exchangeWeight(batchSize(parsed.data.action)) : 1;
    if (this.limited(ip, weight, now)) return { status: 429, body: null };
    if (!parsed.success) return { status: 422, body: DESERIALIZE_ERROR };
    const auth = authorize(this.state, parsed.data, now);
    if ('status' in auth) return { status: 200, body: auth };
    const action = parsed.data.action;
    let body: ExchangeResponse;
    if (action.type === 'order' && this.faults.rejectOrders > 0) {
      const statuses = action.orders.map((o) => {
        if (this.faults.rejectOrders <= 0) return this.engine.placeOrder(toPlace(auth.user, o), now);
        this.faults.rejectOrders -= 1;
        return { error: withAsset(this.faults.rejectReason, o.a) };
      });
      body = { status: 'ok', response: { type: 'order', data: { statuses } } };
    } else if (isUserSigned(action)) body = executeUserSigned(this.state, auth.user, action, now);
    else body = execute(this.state, auth.user, action, now);
    this.flush();
    return { status: 200, body };
  }
}
