/**
 * Where a path of the config sits in its file. Paths are arrays of keys and
 * indexes (`['uplinks', 1, 'probe', 'interval']`); the position is that of
 * the value, or of the key when `atKey` is set (an unknown key), or of the
 * nearest enclosing node that exists (a missing key is reported where it
 * should have been written).
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A path into the config. */
export type ConfigPath = readonly (string | number)[];

/** 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** `['uplinks', 1, 'probe']` → `uplinks[1].probe`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

function keyOf(key: unknown): unknown {
  return isScalar(key) ? key.value : key;
}

/** The child node of `node` at `part` and the node of its key, if any. */
function child(node: unknown, part: string | number): { value: unknown; key: unknown } | null {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && String(keyOf(p.key)) === String(part));
    return pair ? { value: pair.value, key: pair.key } : null;
  }
  if (isSeq(node) && typeof part === 'number') {
    const item: unknown = node.items[part];
    return item === undefined ? null : { value: item, key: null };
  }
  return null;
}

const rangeOf = (node: unknown): readonly number[] | null =>
  node && typeof node === 'object' && 'range' in node ? ((node as Node).range ?? null) : null;

/** The position of `path` in `doc`, or of its nearest existing ancestor. */
export function positionOf(doc: Document, counter: LineCounter, path: ConfigPath, atKey = false): Position {
  let node: unknown = doc.contents;
  let best = rangeOf(node);
  for (let i = 0; i < path.length; i++) {
    const next = child(node, path[i]!);
    if (!next) break;
    const last = i === path.length - 1;
    const here = last && atKey && next.key ? rangeOf(next.key) : (rangeOf(next.value) ?? rangeOf(next.key));
    if (here) best = here;
    node = next.value;
  }
  const { line, col } = counter.linePos(best?.[0] ?? 0);
  return { line, col };
}
