import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { readFileSync } from "node:fs";
const bytes = readFileSync(process.argv[2]);
const readable = { size: async () => BigInt(bytes.length), read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)) };
const reader = await McapIndexedReader.Initialize({ readable });
let count = 0, first;
for await (const m of reader.readMessages()) { count++; if (!first) first = JSON.parse(new TextDecoder().decode(m.data)); }
const stream = new McapStreamReader({ validateCrcs: true });
stream.append(bytes);
const types = {};
for (let r; (r = stream.nextRecord()); ) types[r.type] = (types[r.type] ?? 0) + 1;
const ch = [...reader.channelsById.values()][0];
const sc = reader.schemasById.get(ch.schemaId);
console.log(JSON.stringify({ indexedMessages: count, statisticsMessages: Number(reader.statistics.messageCount),
  chunks: reader.chunkIndexes.length, topic: ch.topic, encoding: ch.messageEncoding, schemaEncoding: sc.encoding,
  schemaTitle: JSON.parse(new TextDecoder().decode(sc.data)).title, streamRecords: types, first }));
