/**
 * Reading the config's YAML: syntax errors at their real line and column,
 * and aliases that cannot be expanded (an undefined anchor, or a "billion
 * laughs" alias bomb) as config errors at the alias, never an internal
 * error.
 */
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigFileError, type LocatedIssue } from './issues.js';

/** Aliases expanded at most (yaml's own default, stated): more is an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

/** A parsed document, the counter that places its nodes, and its plain value. */
export interface ParsedYaml {
  readonly doc: Document;
  readonly counter: LineCounter;
  readonly value: unknown;
}

/** Parses `text`; throws a {@link ConfigFileError} for syntax errors and unusable aliases. */
export function readYaml(text: string, file: string): ParsedYaml {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number, message: string): LocatedIssue => {
    const { line, col } = counter.linePos(offset);
    return { file, line, col, path: '(yaml)', message };
  };
  if (doc.errors.length > 0)
    throw new ConfigFileError(
      file,
      doc.errors.map((e) => at(e.pos[0], e.message.split('\n')[0] ?? e.code)),
    );
  try {
    return { doc, counter, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {} };
  } catch (err) {
    throw new ConfigFileError(file, [aliasIssue(doc, err, at)]);
  }
}

/** Where and why expanding the aliases failed. */
function aliasIssue(doc: Document, err: unknown, at: (offset: number, message: string) => LocatedIssue): LocatedIssue {
  const anchors = new Set<string>();
  let undefinedAlias: { name: string; offset: number } | null = null;
  let firstAlias: number | null = null;
  // Anchors must come before their aliases: walk in document order.
  visit(doc, (_key, node) => {
    if (isAlias(node)) {
      firstAlias ??= node.range?.[0] ?? 0;
      if (!anchors.has(node.source) && undefinedAlias === null)
        undefinedAlias = { name: node.source, offset: node.range?.[0] ?? 0 };
    } else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string')
      anchors.add(node.anchor);
  });
  const found = undefinedAlias as { name: string; offset: number } | null;
  if (found) return at(found.offset, `alias *${found.name} names no anchor defined before it (&${found.name})`);
  const why = err instanceof Error ? err.message : String(err);
  if (/excessive alias count/i.test(why))
    return at(
      firstAlias ?? 0,
      `the aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out instead`,
    );
  return at(firstAlias ?? 0, why);
}
