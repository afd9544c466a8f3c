// A small JSON Schema validator for the keywords the Slack and Teams manifest schemas use (type, $ref,
// properties, required, additionalProperties, patternProperties, enum, const, anyOf, oneOf, allOf, lengths,
// items, uniqueItems). Unknown keywords (format, description) are ignored.

// biome-ignore lint/suspicious/noExplicitAny: JSON
type Json = any;

/** Every way `value` breaks `schema`, as "path: problem" lines (empty when valid). */
export function schemaProblems(value: Json, schema: Json): string[] {
  const out: string[] = [];
  validate(value, schema, '$', schema, out);
  return out;
}

function validate(value: Json, s: Json, path: string, root: Json, out: string[]): void {
  if (s === true || s === undefined) return;
  if (s === false) {
    out.push(`${path}: not allowed`);
    return;
  }
  if (s.$ref) {
    const target = String(s.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce((o: Json, k: string) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], root);
    if (!target) out.push(`${path}: unresolved $ref ${s.$ref}`);
    else validate(value, target, path, root, out);
    return;
  }
  if (s.anyOf) {
    const ok = s.anyOf.some((sub: Json) => {
      const o: string[] = [];
      validate(value, sub, path, root, o);
      return o.length === 0;
    });
    if (!ok) out.push(`${path}: matches none of anyOf`);
  }
  if (s.type) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const actual = Array.isArray(value)
      ? 'array'
      : value === null
        ? 'null'
        : Number.isInteger(value)
          ? 'integer'
          : typeof value;
    const ok = types.some((t: string) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) {
      out.push(`${path}: expected ${types.join('|')}, got ${actual}`);
      return;
    }
  }
  if (s.allOf) for (const sub of s.allOf) validate(value, sub, path, root, out);
  if (s.oneOf) {
    const matching = s.oneOf.filter((sub: Json) => {
      const o: string[] = [];
      validate(value, sub, path, root, o);
      return o.length === 0;
    }).length;
    if (matching !== 1) out.push(`${path}: matches ${matching} of oneOf`);
  }
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value))
    out.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength)
      out.push(`${path}: shorter than ${s.minLength}`);
    if (s.maxLength !== undefined && value.length > s.maxLength)
      out.push(`${path}: longer than ${s.maxLength}`);
    for (const p of [s.pattern, s.regex].filter(Boolean))
      if (!new RegExp(p).test(value)) out.push(`${path}: does not match ${p}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems)
      out.push(`${path}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems)
      out.push(`${path}: more than ${s.maxItems} items`);
    if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length)
      out.push(`${path}: items not unique`);
    if (s.items) {
      value.forEach((v, i) => {
        validate(v, s.items, `${path}[${i}]`, root, out);
      });
    }
  } else if (value && typeof value === 'object') {
    for (const r of s.required ?? []) if (!(r in value)) out.push(`${path}: missing ${r}`);
    const keys = Object.keys(value);
    if (s.minProperties !== undefined && keys.length < s.minProperties)
      out.push(`${path}: too few properties`);
    if (s.maxProperties !== undefined && keys.length > s.maxProperties)
      out.push(`${path}: too many properties`);
    for (const k of keys) {
      const sub = s.properties?.[k];
      const pat = Object.entries(s.patternProperties ?? {}).find(([p]) => new RegExp(p).test(k));
      if (sub !== undefined) validate(value[k], sub, `${path}.${k}`, root, out);
      else if (pat) validate(value[k], pat[1], `${path}.${k}`, root, out);
      else if (s.additionalProperties === false) out.push(`${path}: unexpected property ${k}`);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object')
        validate(value[k], s.additionalProperties, `${path}.${k}`, root, out);
    }
  }
}
