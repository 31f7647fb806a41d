// Well-known channels (issue 27) through Foxglove's own client (@foxglove/ws-protocol): every channel under
// PREFIX is subscribed and its first message checked. JSON channels: the advertised schema has the structure of
// Foxglove's published JSON schema of that name (@foxglove/schemas' jsonschema export, compared as
// wellknown-structure.mjs does) and each message validates with ajv against the PACKAGE's schema
// (sensor_msgs/msg/JointState, which it does not publish, against the advertised one). CDR channels: the ros2msg
// definition parsed by @foxglove/rosmsg and the message read by @foxglove/rosmsg2-serialization.
// Usage: node wellknown-test.mjs URL PREFIX COUNT (COUNT: how many channels under PREFIX to expect).
// Prints "RESULT {json}" with, per topic, the schema name and the decoded message; exits 1 with "FAIL reason".
import { createRequire } from "node:module";
import pkg from "@foxglove/ws-protocol";
import { parse } from "@foxglove/rosmsg";
import { MessageReader } from "@foxglove/rosmsg2-serialization";
import Ajv from "ajv";
import WebSocket from "ws";
import { differences, jsonShape } from "./wellknown-structure.mjs";

const require = createRequire(import.meta.url);
const published = require("@foxglove/schemas/jsonschema");
const { FoxgloveClient } = pkg;
const [url, prefix, countArg] = process.argv.slice(2);
const wanted = Number(countArg);
function fail(reason) {
  console.log(`FAIL ${reason}`);
  process.exit(1);
}
setTimeout(() => fail("timed out"), 60_000);

const ajv = new Ajv({ allErrors: true });
const client = new FoxgloveClient({ ws: new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]) });
const channels = new Map(); // subscription id -> { topic, schemaName, decode }
const result = { channels: {}, validated: 0, publishedSchemas: 0 };
const plain = (value) => JSON.parse(JSON.stringify(value, (_, x) => (typeof x === "bigint" ? Number(x)
  : ArrayBuffer.isView(x) ? Array.from(x) : x)));

client.on("error", (e) => fail(`client error: ${e?.message ?? e}`));
client.on("advertise", (advertised) => {
  for (const c of advertised) {
    if (!c.topic.startsWith(prefix) || [...channels.values()].some((s) => s.topic === c.topic)) { continue; }
    let decode;
    if (c.encoding === "json") {
      if (c.schemaEncoding !== "jsonschema") { fail(`${c.topic}: schema encoding ${c.schemaEncoding}`); }
      const schema = JSON.parse(c.schema);
      const short = c.schemaName.startsWith("foxglove.") ? c.schemaName.slice("foxglove.".length) : null;
      if (short !== null) {
        if (!published[short]) { fail(`${c.topic}: @foxglove/schemas publishes no ${c.schemaName}`); }
        const diffs = differences(jsonShape(schema), jsonShape(published[short]));
        if (diffs.length > 0) {
          fail(`${c.topic}: the advertised schema's structure differs from @foxglove/schemas' ${c.schemaName}: `
            + diffs.join("; "));
        }
        result.publishedSchemas++;
      }
      const validate = ajv.compile(short !== null ? published[short] : schema);
      decode = (data) => {
        const message = JSON.parse(new TextDecoder().decode(data));
        if (!validate(message)) {
          fail(`${c.topic}: message does not validate against ${c.schemaName}: ${ajv.errorsText(validate.errors)}: `
            + JSON.stringify(message));
        }
        result.validated++;
        return message;
      };
    } else if (c.encoding === "cdr") {
      if (c.schemaEncoding !== "ros2msg") { fail(`${c.topic}: schema encoding ${c.schemaEncoding}`); }
      const reader = new MessageReader(parse(c.schema, { ros2: true }));
      decode = (data) => plain(reader.readMessage(data));
    } else {
      fail(`${c.topic}: message encoding ${c.encoding}`);
    }
    channels.set(client.subscribe(c.id), { topic: c.topic, schemaName: c.schemaName, decode });
  }
});
client.on("message", ({ subscriptionId, data }) => {
  const channel = channels.get(subscriptionId);
  if (!channel || result.channels[channel.topic]) { return; }
  result.channels[channel.topic] = { schemaName: channel.schemaName, message: channel.decode(data) };
  if (Object.keys(result.channels).length === wanted) {
    console.log(`RESULT ${JSON.stringify(result)}`);
    process.exit(0);
  }
});
