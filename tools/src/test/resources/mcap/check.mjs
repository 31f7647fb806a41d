import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
// Foxglove's published JSON schemas: a channel whose schema is named foxglove.X must carry a schema with that
// schema's structure (shape below: the same property names, types, required members, bounds and enumeration values;
// titles and descriptions aside), and each of its messages must validate against the PUBLISHED one; other
// well-known channels (sensor_msgs/msg/JointState) validate against the schema they carry.
const published = createRequire(import.meta.url)("@foxglove/schemas/jsonschema");
function shape(schema) {
  const out = {};
  for (const key of ["type", "minimum", "maximum", "contentEncoding"]) {
    if (schema[key] !== undefined) { out[key] = schema[key]; }
  }
  if (schema.required !== undefined) { out.required = [...schema.required].sort(); }
  const values = schema.enum ?? schema.oneOf?.map((o) => o.const);
  if (values !== undefined) { out.enum = [...values].sort((a, b) => a - b); }
  if (schema.items !== undefined) { out.items = shape(schema.items); }
  if (schema.properties !== undefined) {
    out.properties = Object.fromEntries(Object.keys(schema.properties).sort()
      .map((n) => [n, shape(schema.properties[n])]));
  }
  return out;
}
const ajv = new Ajv({ allErrors: true });
const bytes = readFileSync(process.argv[2]);
const readable = { size: async () => BigInt(bytes.length), read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)) };
const reader = await McapIndexedReader.Initialize({ readable });
const decoder = new TextDecoder();
const channels = {};
for (const c of reader.channelsById.values()) {
  const s = reader.schemasById.get(c.schemaId);
  const schemaText = decoder.decode(s.data);
  const wellKnown = c.metadata.get("shmtel.wellKnown") ?? null;
  const short = s.name.startsWith("foxglove.") ? s.name.slice("foxglove.".length) : null;
  const info = { encoding: c.messageEncoding, schemaEncoding: s.encoding, schemaName: s.name, wellKnown, messages: 0,
    validated: 0, publishedStructure: short !== null && published[short] !== undefined
      && JSON.stringify(shape(JSON.parse(schemaText))) === JSON.stringify(shape(published[short])) };
  if (wellKnown !== null) { info.validate = ajv.compile(short !== null ? published[short] : JSON.parse(schemaText)); }
  channels[c.id] = { topic: c.topic, info };
}
let count = 0, first;
for await (const m of reader.readMessages()) {
  count++;
  const message = JSON.parse(decoder.decode(m.data));
  if (!first) first = message;
  const c = channels[m.channelId];
  c.info.messages++;
  if (c.info.validate) {
    if (!c.info.validate(message)) {
      console.log(`FAIL ${c.topic}: a message does not validate against ${c.info.schemaName}: ${ajv.errorsText(c.info.validate.errors)}`);
      process.exit(1);
    }
    c.info.validated++;
    c.info.last = message;
  }
}
const stream = new McapStreamReader({ validateCrcs: true });
stream.append(bytes);
const types = {};
for (let r; (r = stream.nextRecord()); ) types[r.type] = (types[r.type] ?? 0) + 1;
const ch = [...reader.channelsById.values()][0];
const sc = reader.schemasById.get(ch.schemaId);
const byTopic = {};
for (const { topic, info } of Object.values(channels)) { delete info.validate; byTopic[topic] = info; }
console.log(JSON.stringify({ indexedMessages: count, statisticsMessages: Number(reader.statistics.messageCount),
  chunks: reader.chunkIndexes.length, topic: ch.topic, encoding: ch.messageEncoding, schemaEncoding: sc.encoding,
  schemaTitle: JSON.parse(new TextDecoder().decode(sc.data)).title, streamRecords: types, first, channels: byTopic }));
