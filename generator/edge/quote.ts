/**
 * The one way a string from the spec or the command line reaches a generated VCL or nginx
 * config (docs/architecture.md, invariant 5): each helper accepts a conservative alphabet and
 * refuses the rest with an error naming where the string came from.
 */

/** Characters a literal path segment may hold here (RFC 3986 pchar, without `%` and `$`). */
const PATH_TEXT = /^[A-Za-z0-9._~!&'()*+,;=:@-]+$/;

/** A literal path segment as a regular expression matching itself; metacharacters become one-character classes (no backslashes, which VCL and nginx strings treat differently). */
export function pathRegex(text: string, where: string): string {
  if (!PATH_TEXT.test(text)) throw new Error(`${where}: the path segment ${JSON.stringify(text)} holds a character edge configs do not accept; use letters, digits and -._~!&'()*+,;=:@`);
  return text.replace(/[.()*+]/g, (ch) => `[${ch}]`);
}

/** A query parameter name as a regular expression (or nginx `$arg_` suffix): letters, digits and `_` only. */
export function queryNameRegex(name: string, where: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`${where}: query parameter ${JSON.stringify(name)} must be letters, digits and _ to appear in an edge config`);
  return name;
}

/** An x-cache key glob (`utm_*`) as a regular expression over raw parameter names. */
export function globRegex(glob: string, where: string): string {
  if (!/^[A-Za-z0-9_*?-]+$/.test(glob)) throw new Error(`${where}: query glob ${JSON.stringify(glob)} must be letters, digits, -, _, * and ? to appear in an edge config`);
  return glob.replace(/-/g, '[-]').replace(/\*/g, '[^=&]*').replace(/\?/g, '[^=&]');
}

/** An IPv4 or IPv6 address, optionally with a /prefix, as the purge ACLs take it. */
export function address(text: string, option: string): string {
  const v4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
  const v6 = /^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*(?:\/(?:12[0-8]|1[01]\d|\d?\d))?$/;
  if (!v4.test(text) && !v6.test(text)) throw new Error(`${option}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address (with an optional /prefix)`);
  return text;
}

/** `host:port` of the app (a hostname, IPv4, or [IPv6]) split into parts. */
export function hostPort(text: string, option: string): { host: string; port: number } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535) throw new Error(`${option}: ${JSON.stringify(text)} must be host:port, e.g. 127.0.0.1:3000`);
  return { host: match[1]!, port };
}

/** A file-system path for a generated config (the nginx cache folder): no quotes, spaces, `$`, `;` or braces. */
export function filePath(text: string, option: string): string {
  if (!/^\/[A-Za-z0-9._\/-]+$/.test(text)) throw new Error(`${option}: ${JSON.stringify(text)} must be an absolute path of letters, digits and ._-/`);
  return text;
}

/** Text for a `#` comment: one line, printable. */
export function comment(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
