/** The one tag-template module: its grammar, what a template renders to, and CDC's {column} as the same grammar. */
import { describe, expect, it } from 'vitest';
import { formatTagParts, parseTagTemplate, renderTags, tagTemplate, tagValue } from '@cachegen/runtime';
import { parseRowTemplate, renderRowTags } from '@cachegen/runtime/cdc';

describe('parseTagTemplate', () => {
  it.each([
    'product:{id}', 'c:{query.page[size]}', 'lang:{header.accept-language}', 'p:{response.items[].id}',
    'p:{response[].id}', 'o:{body.order.id}-{id}', 'static', 'm:{response.matrix[][].v}',
  ])('%s formats back to the same text', (source) => {
    const parsed = parseTagTemplate(source);
    expect('parts' in parsed && formatTagParts(parsed.parts)).toBe(source);
  });

  it('spells {path.id} and {id} the same', () => {
    expect(parseTagTemplate('{path.id}')).toEqual(parseTagTemplate('{ id }'));
  });

  it.each([
    ['a:{id', /unclosed "\{"/],
    ['a:{b{c}', /unclosed "\{"/],
    ['a:id}', /unbalanced "\}"/],
    ['a:{ }', /empty placeholder/],
    ['a:{cookie.sid}', /must be \{param\}/],
    ['a:{response.}', /not a field path/],
    ['a:{response.a..b}', /not a field path/],
    ['a:{query.}', /names no parameter/],
    ['a:{a b}', /not a parameter name/],
  ])('rejects %s naming the template', (source, error) => {
    const parsed = parseTagTemplate(source);
    expect('error' in parsed && parsed.error).toMatch(error);
    expect('error' in parsed && parsed.error).toContain(`"${source}"`);
    expect(() => tagTemplate(source)).toThrow(error);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [undefined, null, 42, {}, '{'.repeat(10_000), '}{'.repeat(1000)]) {
      expect(() => parseTagTemplate(input as string)).not.toThrow();
    }
  });
});

describe('rendering', () => {
  it('fans out over arrays and repeated query parameters, one tag per value', () => {
    const tags = renderTags([tagTemplate('p:{response.items[].id}'), tagTemplate('c:{query.c}')], {
      response: { items: [{ id: 1 }, { id: 2 }, { id: null }] }, query: { c: ['a', 'b'] },
    });
    expect(tags).toEqual(['p:1', 'p:2', 'c:a', 'c:b']);
  });

  it('reads own fields only: {constructor} and {response.__proto__} find nothing', () => {
    expect(renderTags([tagTemplate('x:{constructor}'), tagTemplate('y:{response.__proto__}'), tagTemplate('z:{response.toString}')], { params: {}, response: {} })).toEqual([]);
  });

  it('renders a response array of 200 000 items without overflowing the stack', () => {
    const items = Array.from({ length: 200_000 }, (_, id) => ({ id }));
    expect(renderTags([tagTemplate('p:{response[].id}')], { response: items })).toHaveLength(200_000);
  });

  it('renders values the same way on every side: dates in ISO 8601, objects give no tag, arrays fan out', () => {
    expect(tagValue(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(tagValue(7n)).toBe('7');
    expect(tagValue(null)).toBeUndefined();
    expect(tagValue({ a: 1 })).toBeUndefined();
    expect(renderTags([tagTemplate('c:{response.ids}')], { response: { ids: [1, 2] } })).toEqual(['c:1', 'c:2']);
    expect(renderRowTags([parseRowTemplate('c:{ids}')], { ids: [1, 2] }).tags).toEqual(['c:1', 'c:2']);
  });
});

describe('CDC row templates are the same grammar', () => {
  it('renders a row as a route renders its path parameters', () => {
    const row = { id: 7, category_id: 'books' };
    const source = 'product:{id}:{category_id}';
    expect(renderRowTags([parseRowTemplate(source)], row).tags).toEqual(renderTags([tagTemplate(source)], { params: row }));
  });

  it('refuses placeholders a row cannot fill, naming the template', () => {
    expect(() => parseRowTemplate('p:{response.id}')).toThrow(/"p:\{response.id\}" reads response/);
    expect(() => parseRowTemplate('p:{query.x}')).toThrow(/CDC template names row columns only/);
  });

  it('reports a column the row lacks as unknown, and a NULL one as no tag', () => {
    expect(renderRowTags([parseRowTemplate('c:{category_id}')], { id: 1 })).toEqual({ tags: [], unknown: true, missing: 'category_id' });
    expect(renderRowTags([parseRowTemplate('c:{category_id}')], { category_id: null })).toEqual({ tags: [], unknown: false });
  });
});
