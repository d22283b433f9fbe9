/**
 * A small parser for the Prometheus text exposition format (version 0.0.4), enough for
 * `cachegen top`: samples with their labels and values, and each family's TYPE.
 */

export interface ExpositionSample {
  /** Full series name, e.g. `cachegen_miss_duration_seconds_bucket`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExpositionFamily {
  type: string;
  help: string;
}

export interface Exposition {
  samples: ExpositionSample[];
  /** TYPE and HELP by family name. */
  families: Map<string, ExpositionFamily>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string): number {
  switch (text) {
    case '+Inf': case 'Inf': return Number.POSITIVE_INFINITY;
    case '-Inf': return Number.NEGATIVE_INFINITY;
    case 'NaN': return Number.NaN;
    default: {
      const value = Number(text);
      if (text === '' || Number.isNaN(value)) throw new Error(`"${text}" is not a sample value`);
      return value;
    }
  }
}

/** Parses `{a="x",b="y\"z"}` starting at `text[start] === '{'`; returns the labels and the index after `}`. */
function parseLabels(text: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) throw new Error(`expected a label name at column ${i + 1}`);
    i += name.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new Error(`expected ="..." after label ${name} at column ${i + 1}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`unterminated value of label ${name}`);
      if (c === '"') { i++; break; }
      if (c === '\\') {
        const next = text[i + 1];
        value += next === 'n' ? '\n' : next ?? '';
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
  }
}

/** Parses a whole exposition; throws `line N: <what is wrong>` on a malformed line. */
export function parseExposition(text: string): Exposition {
  const samples: ExpositionSample[] = [];
  const families = new Map<string, ExpositionFamily>();
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    try {
      if (line.startsWith('#')) {
        const meta = /^#\s*(HELP|TYPE)\s+(\S+)\s*(.*)$/.exec(line);
        if (!meta) return; // a plain comment
        const [, kind, family, rest] = meta as unknown as [string, string, string, string];
        const entry = families.get(family) ?? { type: 'untyped', help: '' };
        if (kind === 'TYPE') entry.type = rest.trim();
        else entry.help = rest;
        families.set(family, entry);
        return;
      }
      const name = NAME.exec(line)?.[0];
      if (!name) throw new Error('expected a metric name');
      let i = name.length;
      let labels: Record<string, string> = {};
      if (line[i] === '{') ({ labels, end: i } = parseLabels(line, i));
      const [valueText] = line.slice(i).trim().split(/\s+/);
      samples.push({ name, labels, value: parseValue(valueText ?? '') });
    } catch (err) {
      throw new Error(`line ${index + 1}: ${err instanceof Error ? err.message : String(err)}: ${line.slice(0, 120)}`);
    }
  });
  return { samples, families };
}
