// ROS 2 CDR channels (`shmtel serve --encoding cdr`) decoded by Foxglove's own ROS 2 libraries:
// the ros2msg schema parsed by @foxglove/rosmsg, messages read by @foxglove/rosmsg2-serialization.
// Usage: node cdr-test.mjs URL TOPIC COUNT. The publisher writes the counter pattern: sample k holds
// k in every element, cast to the field's type (bool: k odd; string: the digits of k).
// Prints "RESULT {json}"; exits 1 with "FAIL reason".
import pkg from "@foxglove/ws-protocol";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import WebSocket from "ws";

const { FoxgloveClient } = pkg;
const [url, topic, countArg] = process.argv.slice(2);
const wanted = Number(countArg);
function fail(reason) {
  console.log(`FAIL ${reason}`);
  process.exit(1);
}
setTimeout(() => fail("timed out"), 60_000);

const cast = {
  bool: (k) => k % 2 === 1,
  int8: (k) => new Int8Array([k])[0], uint8: (k) => new Uint8Array([k])[0],
  int16: (k) => new Int16Array([k])[0], uint16: (k) => new Uint16Array([k])[0],
  int32: (k) => new Int32Array([k])[0], uint32: (k) => new Uint32Array([k])[0],
  int64: (k) => BigInt(k), float32: (k) => Math.fround(k), float64: (k) => k,
  string: (k) => String(k),
};
const client = new FoxgloveClient({ ws: new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]) });
let reader, fields, subscription, previous = -1;
const result = { messages: 0, fields: 0, schemaName: null };
client.on("error", (e) => fail(`client error: ${e?.message ?? e}`));
client.on("advertise", (channels) => {
  const channel = channels.find((c) => c.topic === topic);
  if (!channel || subscription !== undefined) { return; }
  if (channel.encoding !== "cdr" || channel.schemaEncoding !== "ros2msg") {
    fail(`channel ${topic} is ${channel.encoding}/${channel.schemaEncoding}, not cdr/ros2msg`);
  }
  const definitions = parse(channel.schema, { ros2: true });
  reader = new MessageReader(definitions);
  fields = definitions[0].definitions.filter((d) => !d.isConstant);
  result.fields = fields.length;
  result.constants = definitions[0].definitions.filter((d) => d.isConstant).map((d) => `${d.name}=${d.value}`);
  result.schemaName = channel.schemaName;
  subscription = client.subscribe(channel.id);
});
client.on("message", ({ data }) => {
  const message = reader.readMessage(data);
  const k = Number(message.ticks ?? message.position?.[0]);
  if (!(k > previous)) { fail(`out of order: ${k} after ${previous}`); }
  previous = k;
  for (const f of fields) {
    const expected = f.type === "string" ? String(k).slice(0, f.upperBound ?? 1e9) : cast[f.type](k);
    const values = f.isArray ? Array.from(message[f.name]) : [message[f.name]];
    if (f.isArray && values.length !== f.arrayLength) { fail(`${f.name} has ${values.length} elements, not ${f.arrayLength}`); }
    for (const v of values) {
      if (v !== expected) { fail(`sample ${k}: ${f.name} (${f.type}) is ${v}, expected ${expected}: ${JSON.stringify(message, (_, x) => typeof x === "bigint" ? x.toString() : x)}`); }
    }
  }
  if (++result.messages === wanted) {
    console.log(`RESULT ${JSON.stringify(result)}`);
    process.exit(0);
  }
});
