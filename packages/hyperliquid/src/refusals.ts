// Refusal texts of the venue and what each means, classified once for the simulator and clients.
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
