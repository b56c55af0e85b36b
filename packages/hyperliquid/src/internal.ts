// @hyperflow/hyperliquid/internal: what the simulator and tests need beyond the public surface.
// The venue's refusal texts, classified once, so the simulator says exactly what the venue says
// and the tests can check a refusal by its kind.
export {
  type ClassifiedRefusal,
  classifyRefusal,
  minValueSpotText,
  postOnlyText,
  REFUSAL,
  REFUSALS,
  type RefusalKind,
  type RefusalName,
  type RefusalRule,
  refusalKind,
  withAsset,
} from './refusals/table.js';
