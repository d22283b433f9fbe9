/**
 * edge-unpurgeable-tag: with `edge: 'nginx'`, a tag nginx cannot map to the URLs that carry it
 * (read from the response, a header or the body; not naming every path parameter). nginx purges
 * by URL, so `cachegen edge nginx` leaves such operations to the app (docs/edge.md).
 */
import { edgeRoutesOf } from '../../edge/routes.js';
import type { Rule } from '../types.js';
import { describe } from './helpers.js';

// The plan is the runtime's own (the nginx adapter purges by it), loaded without holding up the
// other rules where the runtime cannot load (e.g. the Redocly plugin run from sources).
const runtimeEdge: typeof import('@cachegen/runtime/edge') | Error = await import('@cachegen/runtime/edge').catch((err: unknown) => err instanceof Error ? err : new Error(String(err)));

export const edgeUnpurgeableTag: Rule<{ edge?: string }> = {
  id: 'edge-unpurgeable-tag',
  description: "With edge: 'nginx', tags nginx cannot map to URLs: the operation is not cached by nginx.",
  defaultSeverity: 'warning',
  defaultOptions: {},
  validateOptions(options) {
    const edge = options.edge;
    if (edge !== undefined && edge !== 'nginx' && edge !== 'varnish' && edge !== 'fastly' && edge !== 'cloudflare') return "edge must be 'nginx', 'varnish', 'fastly' or 'cloudflare'";
    return undefined;
  },
  check(ir, { report, options }) {
    if (options.edge !== 'nginx') return; // the tag-aware edges purge any tag
    if (runtimeEdge instanceof Error) {
      const first = ir.operations[0];
      if (first) report({ location: first.location, severity: 'error', message: `edge-unpurgeable-tag needs @cachegen/runtime/edge, which did not load (${runtimeEdge.message}); install @cachegen/runtime` });
      return;
    }
    const { plans, unmappable } = runtimeEdge.planNginx(edgeRoutesOf(ir));
    const byId = new Map(ir.operations.map((op) => [op.operationId, op]));
    for (const { operationId, template, reason } of unmappable) {
      const op = byId.get(operationId)!;
      const location = op.cache?.tags.find((t) => t.source === template.source)?.location ?? op.cache!.location;
      report({ location, message: `${describe(op)}: tag "${template.source}" ${reason}; nginx purges by URL, so it will not cache this operation (Varnish, Fastly and Cloudflare purge by tag)` });
    }
    for (const plan of plans) {
      if (!plan.refused || unmappable.some((u) => u.operationId === plan.route.operationId)) continue;
      const op = byId.get(plan.route.operationId)!;
      report({ location: op.cache!.location, message: `${describe(op)} will not be cached by nginx: ${plan.refused}` });
    }
  },
};
