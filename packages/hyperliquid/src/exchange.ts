// Exchange client: signed actions sent over REST /exchange or WS post, exactly once, under the budgets.
export {
  type AmbiguousCause,
  type CloidResolution,
  type ExchangeBudget,
  ExchangeClient,
  ExchangeClientError,
  type ExchangeClientOptions,
  type NotSentReason,
  type OrderStatusSource,
  type PostTransport,
  type SendOptions,
  type SubmitOutcome,
  type Via,
} from './exchange/client.js';
export { type PreparedRequest, prepareRequest, type RequestCost, requestCost } from './exchange/prepare.js';
