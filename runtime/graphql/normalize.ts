/**
 * GraphQL documents in canonical form, so that requests asking for the same data share a
 * cache key: fragments inlined, fields / arguments / input-object fields / variable
 * definitions sorted, whitespace and comments dropped. Aliases stay: they change the
 * response's shape.
 */
import type {
  ArgumentNode, ConstValueNode, DirectiveNode, DocumentNode, FragmentDefinitionNode, OperationDefinitionNode,
  SelectionNode, SelectionSetNode, ValueNode, VariableDefinitionNode,
} from 'graphql';
import { requirePeer } from '../peer.js';

const { Kind, parse, print, stripIgnoredCharacters } = requirePeer<typeof import('graphql')>('graphql');

export interface NormalizedOperation {
  /** query | mutation | subscription */
  operationType: 'query' | 'mutation' | 'subscription';
  /** The selected operation's name (from the request or the document), or '' when anonymous. */
  operationName: string;
  /** The operation, canonical and printed without ignored characters. */
  canonical: string;
}

/** Thrown for a request whose document does not parse or does not name one operation; the server should answer it uncached. */
export class GraphqlNormalizeError extends Error {
  override readonly name = 'GraphqlNormalizeError';
}

/**
 * The canonical form of the operation `operationName` (or the only one) of `query`.
 * Throws GraphqlNormalizeError when the document is invalid or the operation ambiguous.
 */
export function normalizeOperation(query: string, operationName?: string | null): NormalizedOperation {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true });
  } catch (error) {
    throw new GraphqlNormalizeError(`graphql: the query does not parse: ${(error as Error).message}`);
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName
    ? operations.find((op) => op.name?.value === operationName)
    : operations.length === 1 ? operations[0] : undefined;
  if (!operation) {
    throw new GraphqlNormalizeError(operationName
      ? `graphql: no operation named "${operationName}" in the document`
      : `graphql: the document has ${operations.length} operations; name one with operationName`);
  }
  const canonicalOperation: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: sortBy(operation.variableDefinitions ?? [], (v: VariableDefinitionNode) => v.variable.name.value)
      .map((v) => (v.defaultValue ? { ...v, defaultValue: value(v.defaultValue) as ConstValueNode } : v)),
    directives: directives(operation.directives),
    selectionSet: selectionSet(operation.selectionSet, fragments, new Set()),
  };
  return {
    operationType: operation.operation as NormalizedOperation['operationType'],
    operationName: operation.name?.value ?? '',
    canonical: stripIgnoredCharacters(print(canonicalOperation)),
  };
}

function selectionSet(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, visiting: Set<string>): SelectionSetNode {
  const selections: SelectionNode[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment) throw new GraphqlNormalizeError(`graphql: unknown fragment "${name}"`);
      if (visiting.has(name)) throw new GraphqlNormalizeError(`graphql: fragment "${name}" spreads itself`);
      visiting.add(name);
      // A spread is the same as an inline fragment on the fragment's type condition.
      selections.push({
        kind: Kind.INLINE_FRAGMENT,
        typeCondition: fragment.typeCondition,
        directives: directives([...(selection.directives ?? []), ...(fragment.directives ?? [])]),
        selectionSet: selectionSet(fragment.selectionSet, fragments, visiting),
      });
      visiting.delete(name);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      selections.push({ ...selection, directives: directives(selection.directives), selectionSet: selectionSet(selection.selectionSet, fragments, visiting) });
    } else {
      selections.push({
        ...selection,
        arguments: args(selection.arguments),
        directives: directives(selection.directives),
        ...(selection.selectionSet ? { selectionSet: selectionSet(selection.selectionSet, fragments, visiting) } : {}),
      });
    }
  }
  // Fields sort by response key (alias or name); ties and fragments by their printed form.
  return { kind: Kind.SELECTION_SET, selections: sortBy(selections, selectionSortKey) };
}

function selectionSortKey(selection: SelectionNode): string {
  if (selection.kind === Kind.FIELD) return '0' + (selection.alias?.value ?? selection.name.value) + ' ' + print(selection);
  return '1' + print(selection);
}

function args(list: readonly ArgumentNode[] | undefined): ArgumentNode[] {
  return sortBy(list ?? [], (a: ArgumentNode) => a.name.value).map((a) => ({ ...a, value: value(a.value) }));
}

/** Directive order is kept (it can matter to custom directives); their arguments are sorted. */
function directives(list: readonly DirectiveNode[] | undefined): DirectiveNode[] {
  return (list ?? []).map((d) => ({ ...d, arguments: args(d.arguments) }));
}

function value(node: ValueNode): ValueNode {
  switch (node.kind) {
    case Kind.OBJECT:
      return { ...node, fields: sortBy(node.fields, (f) => f.name.value).map((f) => ({ ...f, value: value(f.value) })) };
    case Kind.LIST:
      return { ...node, values: node.values.map(value) };
    default:
      return node;
  }
}

function sortBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  return items.map((item) => [keyOf(item), item] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, item]) => item);
}
