import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphqlKey, normalizeOperation } from '@cachegen/runtime/graphql';

describe('graphqlKey', () => {
  it.each<[string, Parameters<typeof graphqlKey>[0], Parameters<typeof graphqlKey>[0]]>([
    ['field order', { query: '{ user(id: 1) { name email } }' }, { query: '{ user(id: 1) { email name } }' }],
    ['whitespace and comments', { query: '{ user(id: 1) { name } }' }, { query: '# who\n{\n  user( id : 1 ) {\n name # the name\n }\n}' }],
    ['argument order', { query: '{ users(first: 2, after: "x") { name } }' }, { query: '{ users(after: "x", first: 2) { name } }' }],
    ['input-object field order', { query: '{ search(filter: { a: 1, b: { d: 2, c: 3 } }) { id } }' }, { query: '{ search(filter: { b: { c: 3, d: 2 }, a: 1 }) { id } }' }],
    ['a fragment and its inline form', { query: 'query Q { user(id: 1) { ...F } } fragment F on User { name email }' }, { query: 'query Q { user(id: 1) { ... on User { email name } } }' }],
    ['variable order', { query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: { id: 1, locale: 'en' } }, { query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: { locale: 'en', id: 1 } }],
    ['variable definition order', { query: 'query Q($a: Int, $b: Int) { f(a: $a, b: $b) }' }, { query: 'query Q($b: Int, $a: Int) { f(a: $a, b: $b) }' }],
    ['unused operations in the document', { query: 'query A { a } query B { b }', operationName: 'A' }, { query: 'query A { a }', operationName: 'A' }],
  ])('shares a key across %s', (_name, a, b) => {
    expect(graphqlKey(a)).toBe(graphqlKey(b));
  });

  it.each<[string, Parameters<typeof graphqlKey>[0], Parameters<typeof graphqlKey>[0]]>([
    ['aliases (they change the response shape)', { query: '{ user(id: 1) { name } }' }, { query: '{ user(id: 1) { fullName: name } }' }],
    ['swapped aliases', { query: '{ a: x b: y }' }, { query: '{ a: y b: x }' }],
    ['argument values', { query: '{ user(id: 1) { name } }' }, { query: '{ user(id: 2) { name } }' }],
    ['variable values', { query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: { id: 1 } }, { query: 'query Q($id: ID!) { user(id: $id) { name } }', variables: { id: '1' } }],
    ['selected operation', { query: 'query A { a } query B { b }', operationName: 'A' }, { query: 'query A { a } query B { b }', operationName: 'B' }],
    ['operation name', { query: 'query A { a }' }, { query: 'query B { a }' }],
    ['list order', { query: '{ f(ids: [1, 2]) }' }, { query: '{ f(ids: [2, 1]) }' }],
    ['directives', { query: '{ a @include(if: true) }' }, { query: '{ a @include(if: false) }' }],
    ['a variable value that looks like a delimiter', { query: 'query Q($s: String) { f(s: $s) }', variables: { s: 'x|y' } }, { query: 'query Q($s: String) { f(s: $s) }', variables: { s: 'x', t: 'y' } }],
  ])('gives different keys for different %s', (_name, a, b) => {
    expect(graphqlKey(a)).not.toBe(graphqlKey(b));
  });

  it.each([
    ['{ user(id: 1) { name }', /does not parse/],
    ['query A { a } query B { b }', /2 operations/],
    ['{ ...Missing }', /unknown fragment/],
    ['{ ...A } fragment A on Q { ...A }', /spreads itself/],
  ])('refuses %s with a clear error', (query, message) => {
    expect(() => normalizeOperation(query)).toThrow(message);
  });

  it('reports the operation type, so only queries are cached', () => {
    expect(normalizeOperation('mutation M { likePost(id: 1) }').operationType).toBe('mutation');
    expect(normalizeOperation('subscription S { onPost }').operationType).toBe('subscription');
    expect(normalizeOperation('{ a }').operationType).toBe('query');
  });

  it('is the same for any order of fields and arguments, and different once an alias is added (property)', () => {
    type Field = { name: string; args: Array<[string, number]>; children: Field[] };
    const leaf = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), args: fc.uniqueArray(fc.tuple(fc.constantFrom('x', 'y', 'z'), fc.nat(3)), { selector: (a) => a[0], maxLength: 3 }), children: fc.constant([] as Field[]) });
    const field = fc.record({ name: fc.constantFrom('p', 'q', 'r'), args: fc.constant([] as Array<[string, number]>), children: fc.uniqueArray(leaf, { selector: (f) => f.name, minLength: 1, maxLength: 4 }) });
    const fields = fc.uniqueArray(fc.oneof(leaf, field), { selector: (f) => f.name, minLength: 1, maxLength: 5 });
    const print = (list: Field[], order: (n: number) => number[]): string => order(list.length).map((i) => {
      const f = list[i]!;
      const args = f.args.length ? '(' + order(f.args.length).map((j) => `${f.args[j]![0]}: ${f.args[j]![1]}`).join(', ') + ')' : '';
      return f.name + args + (f.children.length ? ' { ' + print(f.children, order) + ' }' : '');
    }).join(' ');
    fc.assert(fc.property(fields, fc.integer(), (list, seed) => {
      const forward = (n: number) => [...Array(n).keys()];
      const shuffled = (n: number) => [...Array(n).keys()].sort((x, y) => ((x * 7919 + seed) % 13) - ((y * 7919 + seed) % 13));
      const a = graphqlKey({ query: `{ ${print(list, forward)} }` });
      expect(graphqlKey({ query: `{ ${print(list, shuffled)} }` })).toBe(a);
      expect(graphqlKey({ query: `{ renamed: ${print(list, forward)} }` })).not.toBe(a);
    }), { numRuns: 300 });
  });
});

describe('the normalization memo', () => {
  it('keeps an operationName and a query apart: a name holding a line break is not another request\'s query', () => {
    const named = { operationName: 'A', query: 'query B { b }\nquery A { a }' };
    const forged = { operationName: 'A\nquery B { b }', query: 'query A { a }' };
    // Joined with a line break, both spelled the same memo key; the second got the first's answer.
    expect(graphqlKey(named)).toMatch(/^gql\|A\|/);
    expect(() => graphqlKey(forged)).toThrow(/no operation named/);
  });
});
