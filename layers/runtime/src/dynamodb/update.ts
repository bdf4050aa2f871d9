/** What {@link updateExpression} builds: spread it into an UpdateItem (or a transaction's Update). */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Options of {@link updateExpression}. */
export interface UpdateSpec {
  /** Attributes to SET; `undefined` values are skipped. */
  set?: Record<string, unknown>;
  /** Attributes to REMOVE. */
  remove?: readonly string[];
  /** Numbers to ADD to attributes (a missing attribute starts from 0). */
  add?: Record<string, number>;
  /** Names and values the caller's own condition uses, merged in (`#status`, `:now`, ...). */
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/**
 * Builds `SET #a = :a, ... REMOVE #b ADD #c :c` with a placeholder for every attribute, so any name
 * (reserved words such as `status`, dots, dashes) is safe. A plain name (letters, digits, `_`) is its own
 * placeholder (`#status`, `:status`); any other name, or one whose placeholder the caller's `names` or
 * `values` already use otherwise, gets a numbered one (`#u0`, `:u0`)
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html).
 * @throws Error when nothing is to be set, removed or added
 */
export function updateExpression(spec: UpdateSpec): UpdateParts {
  const names: Record<string, string> = { ...spec.names };
  const values: Record<string, unknown> = { ...spec.values };
  let n = 0;
  const plain = (attribute: string) => /^[A-Za-z0-9_]+$/.test(attribute);
  const name = (attribute: string) => {
    let key = plain(attribute) ? `#${attribute}` : '';
    if (!key || (key in names && names[key] !== attribute)) key = `#u${n++}`;
    names[key] = attribute;
    return key;
  };
  const value = (attribute: string, v: unknown) => {
    let key = plain(attribute) ? `:${attribute}` : '';
    if (!key || key in values) key = `:u${n++}`;
    values[key] = v;
    return key;
  };
  const sets = Object.entries(spec.set ?? {}).filter(([, v]) => v !== undefined).map(([a, v]) => `${name(a)} = ${value(a, v)}`);
  const removes = (spec.remove ?? []).map(name);
  const adds = Object.entries(spec.add ?? {}).map(([a, v]) => `${name(a)} ${value(a, v)}`);
  const clauses = [
    sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '', adds.length ? `ADD ${adds.join(', ')}` : '',
  ].filter(Boolean);
  if (!clauses.length) throw new Error('updateExpression: nothing to update');
  return {
    UpdateExpression: clauses.join(' '), ExpressionAttributeNames: names,
    ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
  };
}
