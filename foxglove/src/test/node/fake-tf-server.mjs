// A stand-in Foxglove WebSocket (v1) server for the 3D view's browser test: it serves the built-in page's
// files from a directory (written by the Java test from the server's own assets) over HTTP and, on the same
// port, advertises a foxglove.FrameTransforms channel (a small arm, world > base_link > link1 > link2 >
// tool, whose joints move), a foxglove.PoseInFrame channel (a pose in the tool frame) and a plain record
// channel, all JSON; subscribed channels get a message every 20 ms.
// Usage: node fake-tf-server.mjs ASSET_DIR; prints "PORT n" then "READY"; ends when stdin closes.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { WebSocketServer } from "ws";

const [assets] = process.argv.slice(2);
const PERIOD_MS = 20;
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8" };
const CHANNELS = [
  { id: 1, topic: "fake.tf/transforms/FrameTransforms", encoding: "json", schemaName: "foxglove.FrameTransforms",
    schemaEncoding: "jsonschema", schema: "{}" },
  { id: 2, topic: "fake.pose/pose/PoseInFrame", encoding: "json", schemaName: "foxglove.PoseInFrame",
    schemaEncoding: "jsonschema", schema: "{}" },
  { id: 3, topic: "fake.tf/transforms", encoding: "json", schemaName: "fake_tf.transforms",
    schemaEncoding: "jsonschema", schema: "{\"type\":\"object\"}" },
];

const http = createServer(async (request, response) => {
  const file = new URL(request.url, "http://localhost").pathname.replace(/^\/$/, "/index.html");
  try {
    const body = await readFile(path.join(assets, path.normalize(file)));
    response.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "text/plain; charset=utf-8" });
    response.end(body);
  } catch (e) {
    response.writeHead(404).end(`no ${file}\n`);
  }
});

// Rotation of `angle` about a unit axis, as a foxglove.Quaternion.
const about = (axis, angle) => ({ x: axis[0] * Math.sin(angle / 2), y: axis[1] * Math.sin(angle / 2),
                                  z: axis[2] * Math.sin(angle / 2), w: Math.cos(angle / 2) });
const stamp = (ms) => ({ sec: Math.floor(ms / 1000), nsec: (ms % 1000) * 1e6 });

function transforms(ms) {
  const t = ms / 1000;
  const link = (parent, child, translation, rotation) => ({ timestamp: stamp(ms), parent_frame_id: parent,
    child_frame_id: child, translation: { x: translation[0], y: translation[1], z: translation[2] }, rotation });
  return { transforms: [
    link("world", "base_link", [0, 0, 0.05], about([0, 0, 1], 0)),
    link("base_link", "link1", [0, 0, 0.3], about([0, 0, 1], 1.5 * Math.sin(t))),
    link("link1", "link2", [0, 0, 0.1], about([0, 1, 0], -0.6 + 0.5 * Math.sin(1.7 * t))),
    link("link2", "tool", [0.45, 0, 0], about([0, 1, 0], 0.8 * Math.cos(1.3 * t))),
  ] };
}

const pose = (ms) => ({ timestamp: stamp(ms), frame_id: "tool",
  pose: { position: { x: 0.1, y: 0, z: 0 }, orientation: about([0, 0, 1], 0) } });

const wss = new WebSocketServer({ server: http, handleProtocols: (protocols) =>
  (protocols.has("foxglove.websocket.v1") ? "foxglove.websocket.v1" : false) });
wss.on("connection", (socket) => {
  const subscriptions = new Map(); // subscription id -> channel id
  socket.send(JSON.stringify({ op: "serverInfo", name: "fake-tf", capabilities: [], metadata: {} }));
  socket.send(JSON.stringify({ op: "advertise", channels: CHANNELS }));
  socket.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.op === "subscribe") {
      for (const s of message.subscriptions) { subscriptions.set(s.id, s.channelId); }
    } else if (message.op === "unsubscribe") {
      for (const id of message.subscriptionIds) { subscriptions.delete(id); }
    }
  });
  const timer = setInterval(() => {
    const ms = Date.now();
    for (const [id, channel] of subscriptions) {
      const body = channel === 1 ? transforms(ms) : channel === 2 ? pose(ms) : { value: Math.sin(ms / 1000) };
      const json = Buffer.from(JSON.stringify(body));
      const frame = Buffer.alloc(13 + json.length);
      frame.writeUInt8(1, 0);
      frame.writeUInt32LE(id, 1);
      frame.writeBigUInt64LE(BigInt(ms) * 1_000_000n, 5);
      json.copy(frame, 13);
      socket.send(frame);
    }
  }, PERIOD_MS);
  socket.on("close", () => clearInterval(timer));
});

http.listen(0, "127.0.0.1", () => {
  console.log(`PORT ${http.address().port}`);
  console.log("READY");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
