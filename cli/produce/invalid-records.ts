import { PARTITION_START_DATE } from '../../schema/layout';
import { RECORD_RULES, tradeField } from '../../schema/trade-fields';
import { REJECTIONS, type RejectionReason } from '../../schema/validation/rejection';
import { addDays } from './trading-day';

/**
 * Records the writer must quarantine, one kind per way a producer gets a trade wrong (docs/design.md §6):
 * each is a realistic trade with exactly one defect, and says which rejection it is meant to get.
 * NOT_BASE64 is missing on purpose: a Kinesis producer cannot send it (the SDK encodes the bytes).
 */

/** The rejection a record is meant to get, as the writer's validator words it. */
export interface IntendedRejection {
  readonly reason: RejectionReason;
  readonly message: string;
}

/** A trade as a JSON object, members in the trade-field table's order. */
export type TradeObject = Readonly<Record<string, string | number>>;

export interface InvalidVariant {
  /** What the producer got wrong, for people reading the tests and docs/cli.md. */
  readonly defect: string;
  readonly rejection: IntendedRejection;
  /** The bytes of the record, made from a valid trade. `now` is the ingestion time the writer will see. */
  readonly bytes: (trade: TradeObject, now: Date) => Buffer;
}

function fieldMessage(name: string): IntendedRejection {
  const field = tradeField(name);
  if (field === undefined) throw new Error(`no trade field ${name}`);
  return { reason: 'SCHEMA', message: field.message };
}

const versionRule = RECORD_RULES.find(({ when }) => when.field === 'exec_type');
if (versionRule === undefined) throw new Error('the trade-field table has no rule on exec_type and version');
const VERSION_RULE: IntendedRejection = { reason: 'SCHEMA', message: versionRule.message };

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
const withField = (trade: TradeObject, name: string, value: unknown): Buffer => json({ ...trade, [name]: value });
const without = (trade: TradeObject, name: string): Buffer => {
  const { [name]: _removed, ...rest } = trade;
  return json(rest);
};
/** The trade's JSON with `member` (raw JSON text, e.g. `"PRICE":"1.00"`) added as its last member. */
const appendMember = (trade: TradeObject, member: string): Buffer => {
  const text = JSON.stringify(trade);
  return Buffer.from(`${text.slice(0, -1)},${member}}`, 'utf8');
};
const executedAtOn = (trade: TradeObject, date: string): string => `${date}${String(trade.executed_at).slice(10)}`;

export const INVALID_VARIANTS: readonly InvalidVariant[] = [
  {
    defect: 'a venue name encoded as Latin-1, not UTF-8',
    rejection: REJECTIONS.notUtf8,
    bytes: (trade) => Buffer.from(JSON.stringify({ ...trade, venue: 'B\u00f6rse Stuttgart' }), 'latin1'),
  },
  {
    defect: 'a trade cut off halfway',
    rejection: REJECTIONS.notJson,
    bytes: (trade) => {
      const text = JSON.stringify(trade);
      return Buffer.from(text.slice(0, Math.floor(text.length / 2)), 'utf8');
    },
  },
  {
    defect: 'a CSV line instead of JSON',
    rejection: REJECTIONS.notJson,
    bytes: (trade) => Buffer.from(Object.values(trade).join(','), 'utf8'),
  },
  {
    defect: 'a batch of trades as a JSON array',
    rejection: REJECTIONS.notObject,
    bytes: (trade) => json([trade]),
  },
  {
    defect: 'price given twice, once in upper case',
    rejection: REJECTIONS.duplicateKey,
    bytes: (trade) => appendMember(trade, `"PRICE":${JSON.stringify(trade.price)}`),
  },
  {
    defect: 'a sequence_number, which only the writer may add',
    rejection: REJECTIONS.reservedField,
    bytes: (trade) => withField(trade, 'sequence_number', '49650000000000000000000000000000000000000000000000000000'),
  },
  {
    defect: 'an empty trade_id',
    rejection: fieldMessage('trade_id'),
    bytes: (trade) => withField(trade, 'trade_id', ''),
  },
  { defect: 'no symbol', rejection: fieldMessage('symbol'), bytes: (trade) => without(trade, 'symbol') },
  {
    defect: 'a symbol in lower case',
    rejection: fieldMessage('symbol'),
    bytes: (trade) => withField(trade, 'symbol', String(trade.symbol).toLowerCase()),
  },
  { defect: 'side in lower case', rejection: fieldMessage('side'), bytes: (trade) => withField(trade, 'side', 'buy') },
  {
    defect: 'a quantity of zero',
    rejection: fieldMessage('quantity'),
    bytes: (trade) => withField(trade, 'quantity', 0),
  },
  {
    defect: 'a negative quantity',
    rejection: fieldMessage('quantity'),
    bytes: (trade) => withField(trade, 'quantity', -Number(trade.quantity)),
  },
  {
    defect: 'a quantity as a string',
    rejection: fieldMessage('quantity'),
    bytes: (trade) => withField(trade, 'quantity', String(trade.quantity)),
  },
  { defect: 'a price of zero', rejection: fieldMessage('price'), bytes: (trade) => withField(trade, 'price', '0.00') },
  {
    defect: 'a price in exponent notation',
    rejection: fieldMessage('price'),
    bytes: (trade) => withField(trade, 'price', '1.5e2'),
  },
  {
    defect: 'an executed_at without a zone',
    rejection: fieldMessage('executed_at'),
    bytes: (trade) => withField(trade, 'executed_at', String(trade.executed_at).slice(0, 19).replace('T', ' ')),
  },
  {
    defect: 'an executed_at on February 30',
    rejection: fieldMessage('executed_at'),
    bytes: (trade) =>
      withField(trade, 'executed_at', executedAtOn(trade, `${String(trade.executed_at).slice(0, 4)}-02-30`)),
  },
  {
    defect: 'a currency in lower case',
    rejection: fieldMessage('currency'),
    bytes: (trade) => withField(trade, 'currency', 'usd'),
  },
  {
    defect: 'an exec_type outside NEW, CORRECT and CANCEL',
    rejection: fieldMessage('exec_type'),
    bytes: (trade) => withField(trade, 'exec_type', 'AMEND'),
  },
  { defect: 'a version of 0', rejection: fieldMessage('version'), bytes: (trade) => withField(trade, 'version', 0) },
  {
    defect: 'a correction that keeps version 1',
    rejection: VERSION_RULE,
    bytes: (trade) => json({ ...trade, exec_type: 'CORRECT', version: 1 }),
  },
  {
    defect: 'an executed_at before the first partition date',
    rejection: REJECTIONS.dateOutOfRange,
    bytes: (trade) => withField(trade, 'executed_at', executedAtOn(trade, addDays(PARTITION_START_DATE, -1))),
  },
  {
    defect: 'an executed_at three days ahead of the writer',
    rejection: REJECTIONS.dateOutOfRange,
    bytes: (trade, now) =>
      withField(trade, 'executed_at', executedAtOn(trade, addDays(now.toISOString().slice(0, 10), 3))),
  },
];
