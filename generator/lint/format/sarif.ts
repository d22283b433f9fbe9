/** `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers. */
import { irRules, rules } from '../rules/index.js';
import type { Problem } from '../types.js';
import { displayPath } from './relative.js';

const HELP_URI = 'https://github.com/cachegen/cachegen/blob/main/docs/lint-rules.md';

/** A SARIF log with one run: every rule described, one result per problem, paths relative to cwd. */
export function formatSarif(problems: Problem[], cwd: string, version = '0.0.0'): string {
  const descriptors = [
    ...rules.map((r) => ({ id: r.id, description: r.description, level: r.defaultSeverity === 'error' ? 'error' : 'warning' })),
    ...irRules.map((r) => ({ id: r.id, description: r.description, level: 'error' })),
  ];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cachegen',
            version,
            informationUri: HELP_URI,
            rules: descriptors.map((d) => ({
              id: d.id,
              shortDescription: { text: d.description },
              helpUri: `${HELP_URI}#${d.id}`,
              defaultConfiguration: { level: d.level },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: 'file://' + cwd.replace(/\\/g, '/').replace(/\/?$/, '/') } },
        results: problems.map((p) => ({
          ruleId: p.rule,
          ruleIndex: descriptors.findIndex((d) => d.id === p.rule),
          level: p.severity === 'error' ? 'error' : 'warning',
          message: { text: p.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: displayPath(p.file, cwd), uriBaseId: 'SRCROOT' },
                region: { startLine: p.line, startColumn: p.column },
              },
              logicalLocations: [{ fullyQualifiedName: p.pointer }],
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
