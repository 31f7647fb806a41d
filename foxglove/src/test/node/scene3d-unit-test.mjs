// The 3D view's own logic without a browser: scene3d.js (as served) loaded into a Node VM with a stub canvas,
// fed channels and messages; checks the transform tree's composition, its updates and withdrawals, the
// projection and what the canvas reports for tests.
// Usage: node scene3d-unit-test.mjs PATH/scene3d.js; prints "RESULT {json}" (the checks passed) or
// "FAIL reason" (exit 1) at the first broken expectation.
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [source] = process.argv.slice(2);
const TOLERANCE = 1e-9;
const WIDTH = 800;
const HEIGHT = 600;
const CHAR_PX = 6;       // the stub context's width of a character
const LINE_PX = 14;      // the view's line of names

// A 2D context that only records what it was asked to draw.
function stubContext() {
  const calls = { lines: 0, texts: [], at: {} };
  return {
    calls,
    setTransform() {}, fillRect() {}, beginPath() {}, moveTo() {}, stroke() { calls.lines++; },
    lineTo() {}, fillText(text, x, y) { calls.texts.push(text); calls.at[text] = [x, y]; },
    measureText: (text) => ({ width: CHAR_PX * text.length }),
  };
}

function stubCanvas() {
  const ctx = stubContext();
  return { ctx, dataset: {}, clientWidth: WIDTH, clientHeight: HEIGHT, width: 0, height: 0,
           getContext: () => ctx, addEventListener() {}, setPointerCapture() {} };
}

const context = vm.createContext({ window: { devicePixelRatio: 1 }, Math, Number, String, Map, Set, JSON });
vm.runInContext(`${readFileSync(source, "utf8")}\nglobalThis.Scene3D = Scene3D;`, context);
const { Scene3D } = context;

let checks = 0;
function check(condition, what) {
  if (!condition) {
    console.log(`FAIL ${what}`);
    process.exit(1);
  }
  checks++;
}
const near = (a, b, what) => check(a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < TOLERANCE),
  `${what}: ${JSON.stringify(a)}, expected ${JSON.stringify(b)}`);

const Z90 = { x: 0, y: 0, z: Math.SQRT1_2, w: Math.SQRT1_2 };
const IDENTITY = { x: 0, y: 0, z: 0, w: 1 };
const tf = (parent, child, t, q) => ({ parent_frame_id: parent, child_frame_id: child,
                                       translation: { x: t[0], y: t[1], z: t[2] }, rotation: q });
const channel = (id, schemaName, encoding = "json") => ({ id, topic: `t${id}`, schemaName, encoding });

function scene() {
  const canvas = stubCanvas();
  const message = { textContent: "" };
  const s = new Scene3D(canvas, message);
  let next = 100;
  const subscriptions = new Map();
  const sync = (channels) => s.sync(channels, (c) => {
    if (!subscriptions.has(c.id)) { subscriptions.set(c.id, next++); }
    return subscriptions.get(c.id);
  });
  return { s, canvas, message, sync, subscriptions };
}

// Which channels the view takes.
check(Scene3D.wants(channel(1, "foxglove.FrameTransforms")), "FrameTransforms wanted");
check(Scene3D.wants(channel(1, "foxglove.FrameTransform")), "FrameTransform wanted");
check(Scene3D.wants(channel(1, "foxglove.PoseInFrame")), "PoseInFrame wanted");
check(!Scene3D.wants(channel(1, "foxglove.FrameTransforms", "cdr")), "CDR refused (the page reads JSON)");
check(!Scene3D.wants(channel(1, "arm.joint_state")), "a plain record refused");

// Composition: world -> a (1 m along x, turned 90 degrees about z) -> b (1 m along a's x) puts b at (1, 1, 0)
// with its x axis along world's y. The child arrives before its parent: order does not matter.
{
  const { s, sync, subscriptions } = scene();
  sync([channel(1, "foxglove.FrameTransforms"), channel(2, "arm.joint_state")]);
  check(subscriptions.size === 1 && s.follows(subscriptions.get(1)), "subscribed to the transform channel only");
  const sub = subscriptions.get(1);
  s.onMessage(sub, JSON.stringify({ transforms: [tf("a", "b", [1, 0, 0], IDENTITY)] }));
  s.onMessage(sub, JSON.stringify({ transforms: [tf("world", "a", [1, 0, 0], Z90)] }));
  const w = s.world();
  check([...w.keys()].sort().join(",") === "a,b,world", `frames ${[...w.keys()]}`);
  near(w.get("b").origin, [1, 1, 0], "b's origin");
  near([0, 1, 2].map((r) => w.get("b").rotation[r][0]), [0, 1, 0], "b's x axis");
  near([0, 1, 2].map((r) => w.get("b").rotation[r][1]), [-1, 0, 0], "b's y axis");
  check(w.get("b").parent === "a" && w.get("world").parent === null, "parents");
  // The newest transform of a child replaces the previous one.
  s.onMessage(sub, JSON.stringify(tf("world", "a", [0, 0, 2], IDENTITY)));
  near(s.world().get("b").origin, [1, 0, 2], "b after a moved (a single FrameTransform message)");
  // A zero quaternion counts as the identity; an unnormalised one is normalised.
  s.onMessage(sub, JSON.stringify(tf("world", "a", [0, 0, 0], { x: 0, y: 0, z: 0, w: 0 })));
  near(s.world().get("b").origin, [1, 0, 0], "zero quaternion");
  s.onMessage(sub, JSON.stringify(tf("world", "a", [0, 0, 0], { x: 0, y: 0, z: 3, w: 3 })));
  near(s.world().get("b").origin, [0, 1, 0], "unnormalised quaternion");
  // A cycle does not hang: the walk stops at its depth limit.
  s.onMessage(sub, JSON.stringify({ transforms: [tf("c", "d", [1, 0, 0], IDENTITY),
                                                 tf("d", "c", [1, 0, 0], IDENTITY)] }));
  check(s.world().has("c") && s.world().has("d"), "a cycle's frames are still listed");
  // An empty parent makes a root, not a frame named "".
  s.onMessage(sub, JSON.stringify(tf("", "lonely", [5, 0, 0], IDENTITY)));
  check(!s.world().has("") && s.world().get("lonely").parent === null, "an empty parent is no frame");
  // The channel withdrawn: its frames go.
  sync([channel(2, "arm.joint_state")]);
  check(s.world().size === 0 && s.followed.size === 0, "the withdrawn channel's frames dropped");
}

// A pose in a frame; the drawing and what the canvas reports.
{
  const { s, canvas, message, sync, subscriptions } = scene();
  s.visible = true;
  s.frame();
  check(canvas.dataset.draws === "1" && canvas.dataset.frames === "", "an empty view is drawn once");
  check(message.textContent.startsWith("No transform channels"), `empty view's message: ${message.textContent}`);
  s.frame();
  check(canvas.dataset.draws === "1", "nothing changed: not drawn again");
  sync([channel(1, "foxglove.FrameTransforms"), channel(3, "foxglove.PoseInFrame")]);
  s.onMessage(subscriptions.get(1), JSON.stringify({ transforms: [tf("world", "tool", [0, 0, 1], IDENTITY),
                                                                   tf("tool", "flange", [0, 0, 0], IDENTITY)] }));
  s.onMessage(subscriptions.get(3), JSON.stringify({ frame_id: "tool",
    pose: { position: { x: 0.5, y: 0, z: 0 }, orientation: IDENTITY } }));
  const linesBefore = canvas.ctx.calls.lines;
  s.frame();
  check(canvas.dataset.draws === "2" && canvas.dataset.frames === "flange,tool,world",
    `drawn ${canvas.dataset.frames}`);
  check(canvas.dataset.messages === "2" && canvas.dataset.topics === "t1,t3", "messages and topics reported");
  check(canvas.ctx.calls.texts.includes("tool") && canvas.ctx.calls.texts.includes("world"), "names written");
  // 21 + 21 grid lines, 2 links, 3 triads of 3, the arrow's 3 strokes (all in front of the fitted camera).
  check(canvas.ctx.calls.lines - linesBefore === 42 + 2 + 9 + 3, `strokes ${canvas.ctx.calls.lines - linesBefore}`);
  check(message.textContent.startsWith("3 frames from t1, t3"), `message: ${message.textContent}`);
  // Two frames at one place: their names one under the other.
  const [tool, flange] = [canvas.ctx.calls.at.tool, canvas.ctx.calls.at.flange];
  check(tool[0] === flange[0] && flange[1] - tool[1] === LINE_PX, `names stacked: tool ${tool}, flange ${flange}`);
  // The camera was fitted to the frames: it looks at their middle, which projects to the canvas's centre.
  near(s.camera.target, [0, 0, 0.5], "camera target");
  const project = s.projector(WIDTH, HEIGHT);
  near(project([0, 0, 0.5], [0, 0, 0.5]), [WIDTH / 2, HEIGHT / 2, WIDTH / 2, HEIGHT / 2], "the target's projection");
  // World z up is screen up.
  const up = project([0, 0, 1], [0, 0, 1]);
  check(up[1] < HEIGHT / 2, `a point above the target is drawn higher: y ${up[1]}`);
  // A segment behind the eye is not drawn; one through the eye's plane is clipped to the part in front.
  const c = s.camera;
  const eye = [0, 1, 2].map((i) => c.target[i] + c.distance * [Math.cos(c.pitch) * Math.cos(c.yaw),
    Math.cos(c.pitch) * Math.sin(c.yaw), Math.sin(c.pitch)][i]);
  const behind = [0, 1, 2].map((i) => 2 * eye[i] - c.target[i]);
  check(project(behind, behind) === null, "a point behind the eye is not drawn");
  const clipped = project(behind, c.target);
  check(clipped !== null && clipped.every(Number.isFinite), "a segment through the eye's plane is clipped");
  near(clipped.slice(2), [WIDTH / 2, HEIGHT / 2], "the clipped segment keeps its end in front");
}

// Names never cover each other: a chain whose frames are a few pixels apart on screen, in any direction.
{
  const { s, canvas, sync, subscriptions } = scene();
  s.visible = true;
  sync([channel(1, "foxglove.FrameTransforms")]);
  const chain = [tf("world", "f0", [0, 0, 0], IDENTITY)];
  for (let i = 1; i < 12; i++) { chain.push(tf(`f${i - 1}`, `f${i}`, [0.004 * (i % 3), 0, 0.01], IDENTITY)); }
  chain.push(tf("world", "far", [0, 0, 0.12], IDENTITY));
  s.onMessage(subscriptions.get(1), JSON.stringify({ transforms: chain }));
  s.frame();
  const written = Object.entries(canvas.ctx.calls.at);
  check(written.length === 14, `names written: ${written.length}`);
  for (const [a, [ax, ay]] of written) {
    for (const [b, [bx, by]] of written) {
      const overlap = a !== b && Math.abs(ay - by) < LINE_PX && ax < bx + CHAR_PX * b.length
          && bx < ax + CHAR_PX * a.length;
      check(!overlap, `names ${a} at ${ax},${ay} and ${b} at ${bx},${by} overlap`);
    }
  }
}

console.log(`RESULT ${JSON.stringify({ checks })}`);
