/** zod schema of cache.config.ts; an error names the option path (e.g. `runtime.l1.maxBytes`). */
import { z } from 'zod';

const level = z.enum(['off', 'warn', 'error']);
const ruleSetting = z.union([level, z.tuple([level]), z.tuple([level, z.record(z.string(), z.unknown())])], {
  error: 'must be "off", "warn", "error" or [level, { options }]',
});

export const configSchema = z.strictObject({
  spec: z.string({ error: 'is required: the path of the OpenAPI spec' }).min(1),
  output: z.string({ error: 'is required: the folder generated files are written to' }).min(1),
  handlers: z.string().min(1).optional(),
  runtimeImport: z.string().min(1).optional(),
  lint: z.strictObject({ rules: z.record(z.string(), ruleSetting).optional() }).optional(),
  runtime: z
    .strictObject({
      l1: z.strictObject({ maxEntries: z.number().int().positive().optional(), maxBytes: z.number().int().positive().optional(), policy: z.enum(['tinylfu', 'lru']).optional() }).optional(),
      l2: z.strictObject({ redis: z.string().optional() }).optional(),
      keys: z.strictObject({ secretEnv: z.string().min(1).optional() }).optional(),
    })
    .optional(),
  cdc: z.unknown().optional(),
  dashboard: z.unknown().optional(),
});

/** Turns zod issues into `option.path: message` lines. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${path ? path + '.' : ''}${key}: unknown option`);
    return [`${path || '(config)'}: ${issue.message}`];
  });
}
