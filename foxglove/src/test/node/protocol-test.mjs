// Foxglove's own client (@foxglove/ws-protocol, over the `ws` package) against `shmtel serve`.
// Usage: node protocol-test.mjs URL TOPIC COUNT
// The publisher writes the counter pattern: sample k carries k in every numeric field.
// Prints progress lines; "REMOVE" when the test driver should remove the region; the last line is
// "RESULT {json}". Exits 1 with "FAIL reason" on any broken expectation.
import pkg from "@foxglove/ws-protocol";
import WebSocket from "ws";
import readline from "node:readline";

const { FoxgloveClient } = pkg;
const [url, topic, countArg] = process.argv.slice(2);
const wanted = Number(countArg);
const result = { serverInfo: null, channelId: null, messages: 0, gaps: 0, first: null, last: null };

function fail(reason) {
  console.log(`FAIL ${reason}`);
  process.exit(1);
}
const deadline = setTimeout(() => fail(`timed out; got so far ${JSON.stringify(result)}`), 60_000);

const client = new FoxgloveClient({ ws: new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]) });
let phase = "handshake";
let subscription = null;
let previous = null;
let afterUnsubscribe = 0;

client.on("error", (e) => fail(`client error: ${e?.message ?? e}`));
client.on("close", () => { if (phase !== "done") { fail(`connection closed in phase ${phase}`); } });
client.on("status", (s) => console.log(`status ${JSON.stringify(s)}`));
client.on("serverInfo", (info) => {
  if (phase !== "handshake") { fail("serverInfo after the handshake"); }
  if (typeof info.name !== "string" || !Array.isArray(info.capabilities)) { fail(`bad serverInfo ${JSON.stringify(info)}`); }
  result.serverInfo = info.name;
  phase = "advertise";
  console.log(`serverInfo ${JSON.stringify(info)}`);
});
client.on("advertise", (channels) => {
  if (phase === "handshake") { fail("advertise before serverInfo"); }
  const channel = channels.find((c) => c.topic === topic);
  if (!channel || phase !== "advertise") { return; }
  if (channel.encoding !== "json" || channel.schemaEncoding !== "jsonschema") {
    fail(`channel ${topic} has encoding ${channel.encoding}, schemaEncoding ${channel.schemaEncoding}`);
  }
  const schema = JSON.parse(channel.schema);
  const position = schema.properties?.position;
  if (!position || position.type !== "array" || !/joint angles/.test(position.description) || !/\[rad\]/.test(position.description)) {
    fail(`the schema lacks the position field's description and unit: ${channel.schema}`);
  }
  result.channelId = channel.id;
  result.schemaName = channel.schemaName;
  console.log(`advertised ${channel.id} ${channel.topic} ${channel.schemaName}`);
  phase = "messages";
  subscription = client.subscribe(channel.id);
});
client.on("message", ({ subscriptionId, timestamp, data }) => {
  if (subscriptionId !== subscription) { fail(`message for unknown subscription ${subscriptionId}`); }
  if (phase === "unsubscribed") { afterUnsubscribe++; return; }
  if (phase !== "messages") { return; }
  const sample = JSON.parse(new TextDecoder().decode(data));
  const k = sample.position[0];
  for (const field of ["position", "velocity", "effort"]) {
    for (const v of sample[field]) {
      if (v !== k) { fail(`torn or wrong sample: ${field} holds ${v}, position[0] ${k}: ${JSON.stringify(sample)}`); }
    }
  }
  if (sample.frame_id !== String(k).slice(0, 16)) { fail(`frame_id ${sample.frame_id} is not ${k}`); }
  const ageMs = Date.now() - Number(timestamp / 1_000_000n);
  if (Math.abs(ageMs) > 10_000) { fail(`timestamp ${timestamp} is ${ageMs} ms from now: not wall-clock nanoseconds`); }
  if (previous !== null) {
    if (k <= previous) { fail(`out of order: ${k} after ${previous}`); }
    result.gaps += k - previous - 1;
  } else {
    result.first = k;
  }
  previous = k;
  result.last = k;
  result.messages++;
  if (result.messages === wanted) {
    client.unsubscribe(subscription);
    phase = "unsubscribed";
    // Messages already in flight may still come; none may come a second later.
    setTimeout(() => {
      const late = afterUnsubscribe;
      setTimeout(() => {
        if (afterUnsubscribe !== late) { fail(`messages still arrive a second after unsubscribe (${afterUnsubscribe - late})`); }
        result.inFlightAfterUnsubscribe = late;
        phase = "removal";
        console.log("REMOVE");
      }, 1000);
    }, 500);
  }
});
client.on("unadvertise", (ids) => {
  console.log(`unadvertised ${JSON.stringify(ids)}`);
  if (phase === "removal" && ids.includes(result.channelId)) {
    phase = "done";
    clearTimeout(deadline);
    console.log(`RESULT ${JSON.stringify(result)}`);
    client.close();
    process.exit(0);
  }
});
readline.createInterface({ input: process.stdin }); // keeps stdin open for the driver
