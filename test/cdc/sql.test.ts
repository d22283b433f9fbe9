/** The trigger SQL generator and the NOTIFY payload parser: table-driven, given → want. */
import { describe, expect, it } from 'vitest';
import { functionNameOf, generateDropSql, generateTriggerSql, parseNotifyPayload, quoteIdent, quoteLiteral } from '@cachegen/runtime/cdc';

describe('quoting', () => {
  it.each([
    { given: 'products', ident: '"products"', literal: "'products'" },
    { given: 'odd"name', ident: '"odd""name"', literal: "'odd\"name'" },
    { given: "it's", ident: '"it\'s"', literal: "'it''s'" },
  ])('$given', ({ given, ident, literal }) => {
    expect(quoteIdent(given)).toBe(ident);
    expect(quoteLiteral(given)).toBe(literal);
  });

  it('keeps function names within 63 bytes, distinct per table', () => {
    const long = 'x'.repeat(60);
    expect(functionNameOf('products')).toBe('cachegen_cdc_products');
    expect(Buffer.byteLength(functionNameOf(long))).toBeLessThanOrEqual(63);
    expect(functionNameOf(long)).not.toBe(functionNameOf(`${long}y`));
  });
});

describe('generateTriggerSql', () => {
  const sql = generateTriggerSql({ channel: 'ch', maxRows: 100, tables: { 'Odd"Table': { schema: 'shop', tags: ['t:{Id}', 'u:{Id}-{owner}'] }, plain: { tags: [] } } });

  it.each([
    ['quoted identifiers', 'CREATE OR REPLACE FUNCTION "shop"."cachegen_cdc_Odd""Table"()'],
    ['each column read once, as text', 'jsonb_build_array(r."Id"::text, r."owner"::text)'],
    ['the row limit per statement (UPDATE: old + new)', 'LIMIT 201) changed;\n    too_many := image_count > 200;'],
    ['the payload limit', 'octet_length(payload) > 7999'],
    ['public as the default schema', 'ON "public"."plain"'],
    ['idempotent triggers', 'DROP TRIGGER IF EXISTS cachegen_cdc_truncate ON "public"."plain";'],
    ['one transaction', 'BEGIN;'],
  ])('has %s', (_, fragment) => {
    expect(sql).toContain(fragment);
  });

  it('drops with CASCADE', () => {
    expect(generateDropSql({ tables: { plain: { tags: [] } } })).toBe('BEGIN;\nDROP FUNCTION IF EXISTS "public"."cachegen_cdc_plain"() CASCADE;\nCOMMIT;\n');
  });
});

describe('parseNotifyPayload', () => {
  it.each([
    {
      given: '{"v":1,"s":"public","t":"products","c":["id","category_id"],"r":[["1","7"],["1",null]]}',
      want: { table: 'products', schema: 'public', rows: [{ id: '1', category_id: '7' }, { id: '1', category_id: null }] },
    },
    { given: '{"v":1,"s":"public","t":"products","all":true}', want: { table: 'products', schema: 'public', rows: [], wholeTable: true } },
  ])('$given', ({ given, want }) => {
    expect(parseNotifyPayload(given)).toEqual(want);
  });

  it.each([
    { given: 'nope', error: 'CDC notification is not JSON' },
    { given: '{"v":2,"t":"x"}', error: 'not a cachegen v1 payload' },
    { given: '{"v":1,"t":"x"}', error: 'CDC notification for table x has no "c" columns or "r" rows' },
  ])('rejects $given', ({ given, error }) => {
    expect(() => parseNotifyPayload(given)).toThrow(error);
  });
});
