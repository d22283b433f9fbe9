/** Loading specs: versions, formats, multi-file, and errors that name file:line:column. */
import { describe, expect, it } from 'vitest';
import { loadSpec, SpecLoadError } from 'cachegen';
import { fixture } from './fixtures.js';

describe('loadSpec', () => {
  it('reads OpenAPI 3.1 YAML and 3.0 JSON', async () => {
    expect((await loadSpec(fixture('safe/catalog.yaml'))).openapiVersion).toBe('3.1');
    expect((await loadSpec(fixture('safe/petstore-3.0.json'))).openapiVersion).toBe('3.0');
  });

  it('follows $refs across files and bundles them into one document with local refs', async () => {
    const spec = await loadSpec(fixture('multi-file/openapi.yaml'));
    expect(spec.files.map((f) => f.slice(f.indexOf('multi-file/'))).sort()).toEqual([
      'multi-file/openapi.yaml',
      'multi-file/parameters.yaml',
      'multi-file/paths/orders.yaml',
      'multi-file/paths/user.yaml',
      'multi-file/schemas/order.yaml',
      'multi-file/schemas/user.yaml',
    ]);
    expect(spec.files[0]).toBe(fixture('multi-file/openapi.yaml'));
    const text = JSON.stringify(spec.bundled);
    expect(text).not.toMatch(/"\$ref":"\.\.?\//);
    expect(text).toContain('"$ref":"#/components/schemas/');
  });

  const broken: Array<[name: string, line: number, column: number, message: RegExp]> = [
    ['broken/bad-indent.yaml', 10, 1, /does not parse: Flow map/],
    ['broken/bad.json', 5, 69, /is not valid JSON/],
    ['broken/duplicate-key.yaml', 8, 5, /Map keys must be unique/],
    ['broken/swagger-2.yaml', 1, 1, /Swagger 2\.0; cachegen reads OpenAPI 3\.0 and 3\.1/],
    ['broken/missing-ref.yaml', 5, 5, /Can't resolve \$ref.*does-not-exist\.yaml/],
    ['broken/missing-local-ref.yaml', 11, 25, /Can't resolve \$ref: #\/components\/schemas\/Nope names nothing/],
  ];
  it.each(broken)('%s fails at %i:%i', async (name, line, column, message) => {
    const error = await loadSpec(fixture(name)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SpecLoadError);
    const e = error as SpecLoadError;
    expect([e.file, e.line, e.column]).toEqual([fixture(name), line, column]);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${fixture(name)}:${line}:${column}: `)).toBe(true);
  });

  it('names the path it tried when the file is missing', async () => {
    await expect(loadSpec(fixture('nope/openapi.yaml'))).rejects.toThrow(`${fixture('nope/openapi.yaml')}: file not found`);
  });
});
