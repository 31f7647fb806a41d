// Foxglove's published definitions of the well-known types shmtel encodes, from @foxglove/schemas: the JSON
// Schema (its jsonschema export) and the ROS 2 message definition with its dependencies (the concatenated
// "MSG: pkg/Type" form). `node wellknown-schemas.mjs DIR` writes them to DIR (the foxglove module's resources);
// `node wellknown-schemas.mjs DIR --check` exits 1 when a file there differs from what the package publishes.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const jsonschema = require("@foxglove/schemas/jsonschema");
const { foxgloveMessageSchemas, generateRosMsgMergedSchema } = require("@foxglove/schemas/internal");

const TYPES = ["Vector3", "Quaternion", "PoseInFrame", "FrameTransform", "FrameTransforms", "LaserScan", "PointCloud"];
const [dir, mode] = process.argv.slice(2);
let differ = 0;
for (const t of TYPES) {
  const files = {
    [`foxglove.${t}.json`]: JSON.stringify(jsonschema[t], null, 2) + "\n",
    [`foxglove.${t}.msg`]: generateRosMsgMergedSchema(foxgloveMessageSchemas[t], { rosVersion: 2 }),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    if (mode === "--check") {
      let have = null;
      try { have = readFileSync(path, "utf8"); } catch { /* missing */ }
      if (have !== text) {
        console.log(`DIFFERS ${name}`);
        differ++;
      }
    } else {
      writeFileSync(path, text);
    }
  }
}
console.log(JSON.stringify({ types: TYPES.length, differ }));
process.exit(differ === 0 ? 0 : 1);
