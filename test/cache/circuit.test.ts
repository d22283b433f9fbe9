/** The circuit breaker on its own, with a manual clock. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../runtime/l2/circuit.js';
import { manualClock } from './helpers.js';

type Step = 'ok' | 'fail' | 'allow' | 'deny' | `advance ${number}`;

const cases: { name: string; steps: Step[]; states: string[] }[] = [
  { name: 'stays closed below the threshold', steps: ['fail', 'fail', 'ok', 'fail', 'fail', 'allow'], states: [] },
  { name: 'opens at the threshold and refuses calls', steps: ['fail', 'fail', 'fail', 'deny', 'deny'], states: ['open'] },
  { name: 'lets exactly one probe through after openMs; success closes', steps: ['fail', 'fail', 'fail', 'advance 999', 'deny', 'advance 1', 'allow', 'deny', 'ok', 'allow', 'allow'], states: ['open', 'half-open', 'closed'] },
  { name: 'a failed probe opens it again for another openMs', steps: ['fail', 'fail', 'fail', 'advance 1000', 'allow', 'fail', 'deny', 'advance 1000', 'allow'], states: ['open', 'half-open', 'open', 'half-open'] },
];

describe('CircuitBreaker', () => {
  it.each(cases)('$name', ({ steps, states }) => {
    const clock = manualClock();
    const seen: string[] = [];
    const circuit = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, clock: clock.now, onChange: (s) => seen.push(s) });
    for (const step of steps) {
      if (step === 'ok') circuit.success();
      else if (step === 'fail') circuit.failure();
      else if (step === 'allow') expect(circuit.allow()).toBe(true);
      else if (step === 'deny') expect(circuit.allow()).toBe(false);
      else clock.advance(Number(step.split(' ')[1]));
    }
    expect(seen).toEqual(states);
  });
});
