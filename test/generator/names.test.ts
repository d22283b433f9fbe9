/** Names: spec strings → camelCase identifiers, unique in a document, stable. */
import { describe, expect, it } from 'vitest';
import { buildIr, camelCase, loadSpec } from 'cachegen';
import { fixture } from './fixtures.js';

describe('camelCase', () => {
  const cases: Array<[spec: string, name: string]> = [
    ['find pet by id', 'findPetById'],
    ['monitoring_get_appRestartCountMetrics.yml', 'monitoringGetAppRestartCountMetricsYml'],
    ['GetProduct', 'getProduct'],
    ['getURLById', 'getURLById'],
    ['HTTPStatus', 'httpStatus'],
    ['URL', 'url'],
    ['get_user_v2', 'getUserV2'],
    ['list-items.json', 'listItemsJson'],
    ['2fa verify', '_2faVerify'],
    ['créer utilisateur', 'creerUtilisateur'],
    ['__proto__', 'proto'],
    ['delete', 'delete'],
    ["x'); process.exit(1); ('", 'xProcessExit1'],
    ['获取用户', ''],
    ['', ''],
  ];
  it.each(cases)('%j → %j', (spec, name) => {
    expect(camelCase(spec)).toBe(name);
  });
});

describe('operation names in a document', () => {
  it('keeps verbatim names, suffixes clashes in spec order (methods in OpenAPI order), names the rest after method and path', async () => {
    const ir = buildIr(await loadSpec(fixture('ir/names.yaml')));
    expect(ir.operations.map((op) => [op.operationId, op.name])).toEqual([
      ['get-user', 'getUser2'],
      ['get_user', 'getUser3'],
      ['getUser', 'getUser'],
      ['find pet by id', 'findPetById'],
      ['toString', 'toString2'],
      // No ASCII letter: named after method and path, after the verbatim getUsersById took that name.
      ['获取用户', 'getUsersById2'],
      ['getUsersById', 'getUsersById'],
      ['deleteUsersById', 'deleteUsersById'],
    ]);
  });
});
