/** Tag templates as data: what the generator parses and the runtime renders. */

/** One piece of a tag template, as parsed by the generator (`product:{id}` → literal + path). */
export type TagPartSpec =
  | { kind: 'literal'; text: string }
  | { kind: 'path'; name: string }
  | { kind: 'query'; name: string }
  | { kind: 'header'; name: string }
  /** Field path in the response body; a segment `[]` fans out over an array. */
  | { kind: 'response'; path: string[] }
  /** Field path in the request body, same `[]` convention. */
  | { kind: 'body'; path: string[] };

export interface TagTemplateSpec {
  /** As written in the spec, for messages. */
  source: string;
  parts: TagPartSpec[];
}
