// Our generated well-known definitions (issue 27) against the published ones, structurally (wellknown-structure.mjs):
// DIR holds, per type, NAME.json (our JSON Schema, NAME = its schema name with "/" as ".") and NAME.msg (our ROS 2
// definition). A foxglove.X is compared with @foxglove/schemas' jsonschema export of X and its ROS 2 definition
// (generateRosMsgMergedSchema); sensor_msgs/msg/JointState, which that package does not publish, with the ROS 2
// definitions of @foxglove/rosmsg-msgs-common (both encodings: its JSON Schema must follow the same members).
// Usage: node wellknown-equivalence.mjs DIR. Prints "DIFFERS name: path: ours vs theirs" lines and
// "RESULT {json}"; exits 1 when any differs or a file is missing.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { ROOT, differences, jsonShape, rosShape, rosTypes } from "./wellknown-structure.mjs";

const require = createRequire(import.meta.url);
const jsonschema = require("@foxglove/schemas/jsonschema");
const { foxgloveMessageSchemas, generateRosMsgMergedSchema } = require("@foxglove/schemas/internal");
const { ros2humble } = require("@foxglove/rosmsg-msgs-common");

// The JSON Schema shape a ROS 2 message has in JSON (time as {sec, nanosec}; every member required).
const ROS_JSON = { float64: { type: "number" }, string: { type: "string" } };
function rosJsonShape(name) {
  const properties = {};
  for (const f of ros2humble[name].definitions) {
    const one = f.type === "time"
      ? { type: "object", required: ["nanosec", "sec"], properties: { sec: { type: "integer" },
        nanosec: { type: "integer", minimum: 0, maximum: 999999999 } } }
      : f.isComplex ? rosJsonShape(f.type) : ROS_JSON[f.type];
    if (one === undefined) { throw new Error(`no JSON form for ${f.type}`); }
    properties[f.name] = f.isArray ? { type: "array", items: one } : one;
  }
  return jsonShape({ type: "object", required: Object.keys(properties), properties });
}
function rosCommonShape(name) {
  const types = { [name]: ros2humble[name] };
  for (let added = true; added;) {
    added = false;
    for (const d of Object.values(types)) {
      for (const f of d.definitions) {
        if (f.isComplex && !types[f.type]) { types[f.type] = ros2humble[f.type]; added = true; }
      }
    }
  }
  const shape = rosTypes(Object.values(types));
  shape[ROOT] = shape[name];
  delete shape[name];
  return shape;
}

const dir = process.argv[2];
const names = readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length));
const compared = [];
let differ = 0;
for (const name of names.sort()) {
  const ours = { json: JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8")),
    ros: readFileSync(join(dir, `${name}.msg`), "utf8") };
  let theirs;
  if (name.startsWith("foxglove.")) {
    const short = name.slice("foxglove.".length);
    if (!jsonschema[short] || !foxgloveMessageSchemas[short]) { throw new Error(`@foxglove/schemas has no ${name}`); }
    theirs = { json: jsonShape(jsonschema[short]),
      ros: rosShape(generateRosMsgMergedSchema(foxgloveMessageSchemas[short], { rosVersion: 2 })) };
  } else if (name === "sensor_msgs.msg.JointState") {
    theirs = { json: rosJsonShape("sensor_msgs/JointState"), ros: rosCommonShape("sensor_msgs/JointState") };
  } else {
    throw new Error(`no published definition to compare ${name} with`);
  }
  for (const [encoding, diffs] of [["json", differences(jsonShape(ours.json), theirs.json)],
    ["ros2msg", differences(rosShape(ours.ros), theirs.ros)]]) {
    for (const d of diffs) { console.log(`DIFFERS ${name} ${encoding}: ${d}`); }
    differ += diffs.length;
  }
  compared.push(name);
}
console.log(`RESULT ${JSON.stringify({ compared, differ })}`);
process.exit(differ === 0 ? 0 : 1);
