/** The `cdc` config schema and tag templates: table-driven, given → want. */
import { describe, expect, it } from 'vitest';
import { CdcConfigError, parseCdcConfig, parseRowTemplate, renderRowTags } from '@cachegen/runtime/cdc';

describe('parseCdcConfig', () => {
  it('accepts a full config', () => {
    const config = parseCdcConfig({
      postgres: { url: 'postgres://x', channel: 'c', tables: { products: { tags: ['product:{id}', 'category:{category_id}'] } } },
      nats: { stream: 'DBZ', subject: 'dbserver1.public.>' },
      kafka: { brokers: ['localhost:9092'], topics: ['dbserver1.public.products'], groupId: 'g' },
    });
    expect(config.postgres?.tables.products?.tags).toEqual(['product:{id}', 'category:{category_id}']);
  });

  it.each([
    { given: { postgres: { tables: { products: { tags: [42] } } } }, want: 'cdc.postgres.tables.products.tags[0]:' },
    { given: { postgres: { tables: { products: { tags: ['product:{}'] } } } }, want: 'cdc.postgres.tables.products.tags[0]: tag template "product:{}" has an empty placeholder' },
    { given: { postgres: { tables: { products: { tags: ['ok:{id}', 'product:{id'] } } } }, want: 'cdc.postgres.tables.products.tags[1]: tag template "product:{id" has an unbalanced brace' },
    { given: { postgres: { tables: {} } }, want: 'cdc.postgres.tables: must map at least one table' },
    { given: { postgres: { tables: { p: { tags: [], colour: 1 } } } }, want: 'cdc.postgres.tables.p:' },
    { given: { postgres: { channel: 'x'.repeat(64), tables: { p: { tags: [] } } } }, want: 'cdc.postgres.channel: must be at most 63 bytes' },
    { given: { nats: { stream: 'S' } }, want: 'cdc.nats.tables: is required when cdc.postgres' },
    { given: { kafka: { brokers: [], topics: ['t'], groupId: 'g', tables: { p: { tags: [] } } } }, want: 'cdc.kafka.brokers: must list at least one broker' },
    { given: { postgre: {} }, want: 'cdc:' },
  ])('names the option path: $want', ({ given, want }) => {
    let error: unknown;
    try { parseCdcConfig(given); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(CdcConfigError);
    expect((error as CdcConfigError).problems.some((p) => p.startsWith(want))).toBe(true);
  });
});

describe('tag templates', () => {
  it.each([
    { template: 'product:{id}', row: { id: 7 }, want: ['product:7'] },
    { template: 'v:{a}-{b}', row: { a: 'x', b: true }, want: ['v:x-true'] },
    { template: 'plain', row: {}, want: ['plain'] },
    { template: 'category:{category_id}', row: { category_id: null }, want: [] },
    { template: '{ id }', row: { id: '5' }, want: ['5'] },
  ])('$template over $row → $want', ({ template, row, want }) => {
    const rendered = renderRowTags([parseRowTemplate(template)], row);
    expect(rendered).toEqual({ tags: want, unknown: false });
  });

  it('reports a column absent from the row as unknown (the caller invalidates the table)', () => {
    expect(renderRowTags([parseRowTemplate('category:{category_id}')], { id: 1 })).toMatchObject({ unknown: true, missing: 'category_id' });
  });
});
