/**
 * Ids of the Responses API. A response id is `resp_<32 hex>`; the ids of its items reuse
 * the same hex (`msg_<hex>_0`, `fc_<hex>_1`, `msg_<hex>_i0` for input item 0), so an
 * `item_reference` names the stored response holding the item without an index key per
 * item in the state store.
 *
 * @example
 *   const base = newBase();           // '9f0c…'
 *   responseId(base);                 // 'resp_9f0c…'
 *   itemId('fc', base, 1);            // 'fc_9f0c…_1'
 *   parseItemId('fc_9f0c…_1');        // { responseId: 'resp_9f0c…', input: false, index: 1 }
 */
import { randomBytes } from 'node:crypto';

export type ItemPrefix = 'msg' | 'fc' | 'fco';

const RESPONSE_ID = /^resp_([0-9a-f]{32})$/;
const ITEM_ID = /^(?:msg|fc|fco)_([0-9a-f]{32})_(i?)(\d{1,4})$/;

export const newBase = (): string => randomBytes(16).toString('hex');

export const responseId = (base: string): string => `resp_${base}`;

/** Output item `index` (or input item, with `input`) of the response `base`. */
export const itemId = (prefix: ItemPrefix, base: string, index: number, input = false): string => `${prefix}_${base}_${input ? 'i' : ''}${index}`;

/** Whether `id` can be a response id of this gateway (anything else is not found without a lookup). */
export const isResponseId = (id: string): boolean => RESPONSE_ID.test(id);

export interface ItemLocation {
  responseId: string;
  /** An input item (else an output item) of that response. */
  input: boolean;
  index: number;
}

/** Where an item id points, or undefined for ids this gateway never issues. */
export function parseItemId(id: string): ItemLocation | undefined {
  const m = ITEM_ID.exec(id);
  return m ? { responseId: `resp_${m[1]}`, input: m[2] === 'i', index: Number(m[3]) } : undefined;
}
