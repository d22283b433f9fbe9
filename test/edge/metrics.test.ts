/** The edge's metrics through the Prometheus observer: purges by adapter and outcome, and the time to confirmation. */
import { describe, expect, it } from 'vitest';
import { createPrometheusObserver } from '@cachegen/runtime/prometheus';

describe('edge purge metrics', () => {
  it('counts purges by adapter and outcome and times the confirmed ones', async () => {
    const observer = createPrometheusObserver();
    observer.edgePurge('varnish', 'sent', 3, 0.012);
    observer.edgePurge('varnish', 'failed', 3);
    observer.edgePurge('varnish', 'retried', 3);
    observer.edgePurge('varnish', 'sent', 3, 0.2);
    const text = await observer.registry.metrics();
    expect(text).toContain('cachegen_edge_purges_total{adapter="varnish",outcome="sent"} 2');
    expect(text).toContain('cachegen_edge_purges_total{adapter="varnish",outcome="failed"} 1');
    expect(text).toContain('cachegen_edge_purges_total{adapter="varnish",outcome="retried"} 1');
    expect(text).toContain('cachegen_edge_purge_seconds_bucket{le="0.025",adapter="varnish"} 1');
    expect(text).toContain('cachegen_edge_purge_seconds_count{adapter="varnish"} 2');
  });

  it('keeps the adapter label bounded and never throws on odd input', () => {
    const observer = createPrometheusObserver();
    for (let i = 0; i < 100; i++) observer.edgePurge(`a${i}`, 'sent', 1, 0.001);
    expect(() => observer.edgePurge('x', 'sent', 1, Number.NaN)).not.toThrow();
    expect(() => observer.edgePurge('x', 'bogus' as never, 1)).not.toThrow();
  });
});
