/** Lint output formats: json (contract), sarif 2.1.0, github annotations, pretty code frames. */
import { describe, expect, it } from 'vitest';
import { colors } from '../../generator/cli/color.js';
import { formatGithub, formatJson, formatPretty, formatSarif } from '../../generator/lint/format/index.js';
import type { Problem } from 'cachegen';
import { fixture, specsDir } from './fixtures.js';

const problems: Problem[] = [
  { rule: 'vary-star', severity: 'error', message: 'GET /a has vary: ["*"]; no cache can reuse such a response', file: fixture('rules/vary-star.bad.yaml'), line: 8, column: 9, pointer: '#/paths/~1a/get/x-cache/vary' },
  { rule: 'missing-ttl', severity: 'warning', message: 'line one,\nline: two 100%', file: fixture('rules/missing-ttl.bad.yaml'), line: 6, column: 7, pointer: '#/paths/~1a/get/x-cache' },
];

describe('formatJson', () => {
  it('prints the contract shape with exactly these keys', () => {
    const parsed = JSON.parse(formatJson(problems)) as { problems: Array<Record<string, unknown>> };
    expect(parsed.problems).toEqual(problems);
    expect(Object.keys(parsed.problems[0]!)).toEqual(['rule', 'severity', 'message', 'file', 'line', 'column', 'pointer']);
    expect(JSON.parse(formatJson([]))).toEqual({ problems: [] });
  });
});

describe('formatSarif', () => {
  it('is a SARIF 2.1.0 log with rules, levels and relative locations', () => {
    const log = JSON.parse(formatSarif(problems, specsDir, '1.2.3'));
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'cachegen', version: '1.2.3' });
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toContain('vary-star');
    expect(run.results).toHaveLength(2);
    expect(run.results[0]).toMatchObject({
      ruleId: 'vary-star',
      ruleIndex: ids.indexOf('vary-star'),
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'rules/vary-star.bad.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 8, startColumn: 9 } } }],
    });
    expect(run.results[1].level).toBe('warning');
  });
});

describe('formatGithub', () => {
  it('prints one workflow command per problem, escaped', () => {
    expect(formatGithub(problems, specsDir)).toBe(
      '::error file=rules/vary-star.bad.yaml,line=8,col=9,title=cachegen vary-star::GET /a has vary: ["*"]; no cache can reuse such a response\n' +
        '::warning file=rules/missing-ttl.bad.yaml,line=6,col=7,title=cachegen missing-ttl::line one,%0Aline: two 100%25\n',
    );
  });
});

describe('formatPretty', () => {
  it('shows file:line:column, the message, the rule and a code frame with a caret under the column', () => {
    const text = formatPretty([problems[0]!], specsDir, colors(false));
    expect(text).toBe(
      [
        'rules/vary-star.bad.yaml:8:9 error GET /a has vary: ["*"]; no cache can reuse such a response vary-star',
        '   6 |       x-cache:',
        '   7 |         ttl: 60',
        '>  8 |         vary: ["*"]',
        '     |         ^',
        '   9 |       responses:',
        '  10 |         "200": { description: ok }',
        '',
        '1 error, 0 warnings',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('\u001b[');
  });

  it('colours only when asked', () => {
    expect(formatPretty(problems, specsDir, colors(true))).toContain('\u001b[31merror\u001b[39m');
    expect(formatPretty([], specsDir, colors(false))).toBe('No problems found.\n');
  });
});
