// Structural comparison of message definitions (issue 27): what a validator or a decoder reads from a JSON Schema
// or a ROS 2 definition, with titles, descriptions and comments left out. Used by wellknown-equivalence.mjs (our
// generated definitions against @foxglove/schemas') and wellknown-test.mjs (what a live channel advertises).
import { parse } from "@foxglove/rosmsg";

// A JSON Schema reduced to its structure: property names (recursively), `type`, `required` (as a set), numeric
// bounds, `contentEncoding`, array `items`, and enumeration values (`enum` or `oneOf` of `const`s, as a set).
export function jsonShape(schema) {
  const shape = {};
  for (const key of ["type", "minimum", "maximum", "contentEncoding"]) {
    if (schema[key] !== undefined) { shape[key] = schema[key]; }
  }
  if (schema.required !== undefined) { shape.required = [...schema.required].sort(); }
  const values = schema.enum ?? schema.oneOf?.map((o) => o.const);
  if (values !== undefined) { shape.enum = [...values].sort((a, b) => a - b); }
  if (schema.items !== undefined) { shape.items = jsonShape(schema.items); }
  if (schema.properties !== undefined) {
    shape.properties = Object.fromEntries(Object.keys(schema.properties).sort()
      .map((name) => [name, jsonShape(schema.properties[name])]));
  }
  return shape;
}

// The key rosShape gives the message's own type (the first section of a definition text, which has no name).
export const ROOT = "(message)";

// A ROS 2 definition text (the concatenated "MSG: pkg/Type" form) reduced to, per type (ROOT for the message's own),
// its members in order as "type name", "type[] name" or "type NAME=value" (constants).
export function rosShape(text) {
  return rosTypes(parse(text, { ros2: true }));
}

// Parsed definitions (@foxglove/rosmsg's MessageDefinition list) reduced as rosShape does.
export function rosTypes(definitions) {
  return Object.fromEntries(definitions.map((d) => [d.name ?? ROOT, d.definitions.map((f) => f.isConstant
    ? `${f.type} ${f.name}=${f.valueText ?? f.value}` : `${f.type}${f.isArray ? "[]" : ""} ${f.name}`)]));
}

// The places where two shapes differ, as "path: ours vs theirs" lines (empty when they are the same).
export function differences(ours, theirs, path = "") {
  if (typeof ours !== "object" || ours === null || typeof theirs !== "object" || theirs === null) {
    return ours === theirs ? [] : [`${path || "/"}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`];
  }
  if (Array.isArray(ours) !== Array.isArray(theirs)) {
    return [`${path || "/"}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`];
  }
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const out = [];
  for (const k of keys) {
    if (!(k in ours)) { out.push(`${path}/${k}: missing vs ${JSON.stringify(theirs[k])}`); continue; }
    if (!(k in theirs)) { out.push(`${path}/${k}: ${JSON.stringify(ours[k])} vs missing`); continue; }
    out.push(...differences(ours[k], theirs[k], `${path}/${k}`));
  }
  return out;
}
