// The 3D view of the built-in page: the transform tree of every foxglove.FrameTransforms /
// foxglove.FrameTransform channel (JSON encoding), and foxglove.PoseInFrame channels as arrows, drawn
// with the canvas 2D API and a small perspective projection of its own (no WebGL: it works in any
// browser, headless Chromium with --disable-gpu included). Z is up, as in ROS and Foxglove.
// Drawn: a ground grid, each frame as an RGB axis triad (x red, y green, z blue) with its name, a line
// from each parent's origin to each child's origin, each pose as a magenta arrow along its x axis.
// Drag orbits, the wheel zooms, a double click fits the view to the frames again.
// For tests the canvas carries data-frames (the frame names drawn, sorted, comma-separated),
// data-draws (a counter of drawn pictures), data-messages and data-topics (the channels followed).
"use strict";

const TRANSFORM_SCHEMAS = ["foxglove.FrameTransforms", "foxglove.FrameTransform"];
const POSE_SCHEMA = "foxglove.PoseInFrame";
const FOV_Y = Math.PI / 4;          // vertical field of view
const NEAR = 0.01;                  // near plane [m] in front of the eye: nearer segments are clipped
const ORBIT_RAD_PER_PX = 0.01;      // drag sensitivity
const ZOOM_PER_WHEEL_UNIT = 0.001;  // wheel sensitivity (exponential zoom)
const PITCH_LIMIT = 1.55;           // just under 90 degrees: the camera never flips over the pole
const MAX_DEPTH = 64;               // deepest tree walked: a cycle in the transforms cannot hang the page
const GRID_LINES = 10;              // grid lines each side of the centre
const AXIS = { x: "#e0352b", y: "#23a337", z: "#2a62d8" };
const LABEL_OFFSET_PX = 6;          // a frame's name, right of and above its origin
const LABEL_LINE_PX = 14;           // a line of names: names closer than this vertically must not overlap

// Quaternion (x, y, z, w) → 3x3 rotation matrix, rows; a zero quaternion counts as the identity.
function matrixOf(q) {
  let [x, y, z, w] = q;
  const n = Math.hypot(x, y, z, w);
  if (!(n > 0)) { return [[1, 0, 0], [0, 1, 0], [0, 0, 1]]; }
  x /= n; y /= n; z /= n; w /= n;
  return [[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
          [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
          [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]];
}
const apply = (m, v) => [0, 1, 2].map((i) => m[i][0] * v[0] + m[i][1] * v[1] + m[i][2] * v[2]);
const multiply = (a, b) => [0, 1, 2].map((i) => [0, 1, 2].map((j) =>
  a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]));
const add = (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const scale = (a, s) => [a[0] * s, a[1] * s, a[2] * s];
const normalise = (a) => scale(a, 1 / (Math.hypot(...a) || 1));
const vector = (v) => [Number(v?.x) || 0, Number(v?.y) || 0, Number(v?.z) || 0];
const quaternion = (q) => (q ? [Number(q.x) || 0, Number(q.y) || 0, Number(q.z) || 0, Number(q.w) || 0]
                              : [0, 0, 0, 1]);

// A number near `target` from the series 1, 2, 5, 10, 20... (grid spacing, axis lengths).
function nice(target) {
  const decade = Math.pow(10, Math.floor(Math.log10(target)));
  const f = target / decade;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * decade;
}

class Scene3D {
  constructor(canvas, message) {
    this.canvas = canvas;
    this.message = message;
    this.ctx = canvas.getContext("2d");
    this.transforms = new Map();  // child frame -> {parent, translation, rotation, channelId}
    this.poses = new Map();       // channel id -> {frame, position, orientation, topic}
    this.followed = new Map();    // subscription id -> channel
    this.camera = { target: [0, 0, 0], distance: 3, yaw: -Math.PI / 3, pitch: 0.5 };
    this.fitted = "";             // the frame list the camera was last fitted to
    this.touched = false;         // the user moved the camera: no more automatic fitting
    this.dirty = true;
    this.draws = 0;
    this.messages = 0;
    this.visible = false;
    this.listen();
  }

  // Channels this view draws (JSON only: the page does not decode CDR).
  static wants(channel) {
    return channel.encoding === "json"
        && (TRANSFORM_SCHEMAS.includes(channel.schemaName) || channel.schemaName === POSE_SCHEMA);
  }

  // Subscribes to every wanted channel not yet followed; `subscribe(channel)` returns the subscription id.
  sync(channels, subscribe) {
    const live = new Set(channels.map((c) => c.id));
    for (const [id, channel] of this.followed) {
      if (!live.has(channel.id)) { this.followed.delete(id); this.forget(channel.id); }
    }
    const followedIds = new Set([...this.followed.values()].map((c) => c.id));
    for (const channel of channels.filter(Scene3D.wants)) {
      if (!followedIds.has(channel.id)) { this.followed.set(subscribe(channel), channel); }
    }
    this.canvas.dataset.topics = [...this.followed.values()].map((c) => c.topic).sort().join(",");
    this.dirty = true;
  }

  // The connection dropped: subscriptions and channel ids are gone; what was drawn stays until new data.
  disconnected() { this.followed.clear(); this.dirty = true; }

  // Drops what a withdrawn channel said.
  forget(channelId) {
    for (const [child, t] of this.transforms) {
      if (t.channelId === channelId) { this.transforms.delete(child); }
    }
    this.poses.delete(channelId);
  }

  // Whether a subscription's messages are for this view.
  follows(subscription) { return this.followed.has(subscription); }

  // A message of a followed subscription: JSON text.
  onMessage(subscription, text) {
    const channel = this.followed.get(subscription);
    const message = JSON.parse(text);
    if (channel.schemaName === POSE_SCHEMA) {
      this.poses.set(channel.id, { frame: String(message.frame_id ?? ""), topic: channel.topic,
                                   position: vector(message.pose?.position),
                                   rotation: matrixOf(quaternion(message.pose?.orientation)) });
    } else {
      for (const t of message.transforms ?? [message]) {
        if (!t.child_frame_id) { continue; }
        this.transforms.set(String(t.child_frame_id), {
          parent: String(t.parent_frame_id ?? ""), channelId: channel.id,
          translation: vector(t.translation), rotation: matrixOf(quaternion(t.rotation)) });
      }
    }
    this.messages++;
    this.dirty = true;
  }

  // Every frame's pose in its root's coordinates: {rotation, origin, parent}, by name. A frame without a
  // known transform, or whose parent is empty or itself, is a root (identity).
  world() {
    const poses = new Map();
    const resolve = (frame, depth) => {
      if (poses.has(frame)) { return poses.get(frame); }
      const t = this.transforms.get(frame);
      let pose;
      if (!t || depth > MAX_DEPTH || t.parent === frame || t.parent === "") {
        pose = { rotation: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], origin: [0, 0, 0], parent: null };
      } else {
        const up = resolve(t.parent, depth + 1);
        pose = { rotation: multiply(up.rotation, t.rotation),
                 origin: add(up.origin, apply(up.rotation, t.translation)), parent: t.parent };
      }
      poses.set(frame, pose);
      return pose;
    };
    for (const child of this.transforms.keys()) { resolve(child, 0); }
    for (const p of this.poses.values()) { if (p.frame) { resolve(p.frame, 0); } }
    return poses;
  }

  // Points the camera at the frames' bounding box, whenever the set of frames changes (until the user moves it).
  fit(frames, force) {
    const names = [...frames.keys()].sort().join(",");
    if (!force && (this.touched || names === this.fitted)) { return; }
    this.fitted = names;
    const origins = [...frames.values()].map((f) => f.origin);
    if (origins.length === 0) { return; }
    const lo = [0, 1, 2].map((i) => Math.min(...origins.map((o) => o[i])));
    const hi = [0, 1, 2].map((i) => Math.max(...origins.map((o) => o[i])));
    const radius = Math.max(0.25, Math.hypot(...sub(hi, lo)) / 2);
    this.camera.target = scale(add(lo, hi), 0.5);
    this.camera.distance = 1.5 * radius / Math.tan(FOV_Y / 2);
    this.dirty = true;
  }

  listen() {
    let drag = null;
    this.canvas.addEventListener("pointerdown", (e) => {
      drag = { x: e.clientX, y: e.clientY };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (!drag) { return; }
      const c = this.camera;
      c.yaw -= (e.clientX - drag.x) * ORBIT_RAD_PER_PX;
      c.pitch = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, c.pitch + (e.clientY - drag.y) * ORBIT_RAD_PER_PX));
      drag = { x: e.clientX, y: e.clientY };
      this.touched = true;
      this.dirty = true;
    });
    const end = () => { drag = null; };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
    this.canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      this.camera.distance *= Math.exp(e.deltaY * ZOOM_PER_WHEEL_UNIT);
      this.touched = true;
      this.dirty = true;
    }, { passive: false });
    this.canvas.addEventListener("dblclick", () => { this.touched = false; this.fit(this.world(), true); });
  }

  // Draws when something changed and the view is shown; called on every animation frame.
  frame() {
    if (!this.visible) { return; }
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.floor(this.canvas.clientWidth * ratio));
    const height = Math.max(1, Math.floor(this.canvas.clientHeight * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.dirty = true;
    }
    if (!this.dirty) { return; }
    this.dirty = false;
    this.draw(ratio);
  }

  draw(ratio) {
    const frames = this.world();
    this.fit(frames, false);
    const { ctx, canvas } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const project = this.projector(canvas.width / ratio, canvas.height / ratio);
    const line = (a, b, colour, width) => {
      const s = project(a, b);
      if (!s) { return; }
      ctx.strokeStyle = colour;
      ctx.lineWidth = width;
      ctx.beginPath();
      ctx.moveTo(s[0], s[1]);
      ctx.lineTo(s[2], s[3]);
      ctx.stroke();
    };
    // Ground grid (z = 0) around the point looked at, spaced for the distance.
    const step = nice(this.camera.distance / 8);
    const cx = Math.round(this.camera.target[0] / step) * step;
    const cy = Math.round(this.camera.target[1] / step) * step;
    const half = GRID_LINES * step;
    for (let i = -GRID_LINES; i <= GRID_LINES; i++) {
      const colour = i === 0 ? "#b9c0cc" : "#e3e6eb";
      line([cx + i * step, cy - half, 0], [cx + i * step, cy + half, 0], colour, 1);
      line([cx - half, cy + i * step, 0], [cx + half, cy + i * step, 0], colour, 1);
    }
    // Links: parent origin to child origin.
    for (const pose of frames.values()) {
      if (pose.parent !== null) { line(frames.get(pose.parent).origin, pose.origin, "#8a93a6", 3); }
    }
    // Triads and names; a name that would cover one already written moves down a line until it does not.
    const axis = nice(this.camera.distance / 12);
    ctx.font = "12px system-ui, sans-serif";
    const labels = [];              // [x, y, width] of each name written
    for (const [name, pose] of frames) {
      ["x", "y", "z"].forEach((key, i) => {
        line(pose.origin, add(pose.origin, scale([0, 1, 2].map((r) => pose.rotation[r][i]), axis)), AXIS[key], 2);
      });
      const s = project(pose.origin, pose.origin);
      if (s) {
        const x = s[0] + LABEL_OFFSET_PX;
        const width = ctx.measureText(name).width;
        let y = s[1] - LABEL_OFFSET_PX;
        while (labels.some((l) => Math.abs(l[1] - y) < LABEL_LINE_PX && x < l[0] + l[2] && l[0] < x + width)) {
          y += LABEL_LINE_PX;
        }
        labels.push([x, y, width]);
        ctx.fillStyle = "#1d2330";
        ctx.fillText(name, x, y);
      }
    }
    // Poses: an arrow along the pose's x axis, in its frame.
    for (const p of this.poses.values()) {
      const f = frames.get(p.frame) ?? { rotation: matrixOf([0, 0, 0, 1]), origin: [0, 0, 0] };
      const rotation = multiply(f.rotation, p.rotation);
      const from = add(f.origin, apply(f.rotation, p.position));
      const tip = add(from, apply(rotation, [3 * axis, 0, 0]));
      line(from, tip, "#c2377a", 3);
      for (const side of [1, -1]) {
        line(tip, add(from, apply(rotation, [2.2 * axis, side * 0.5 * axis, 0])), "#c2377a", 3);
      }
    }
    this.draws++;
    const names = [...frames.keys()].sort();
    canvas.dataset.frames = names.join(",");
    canvas.dataset.draws = String(this.draws);
    canvas.dataset.messages = String(this.messages);
    this.message.textContent = this.followed.size === 0 && names.length === 0
        ? "No transform channels: nothing advertises foxglove.FrameTransforms, foxglove.FrameTransform or "
          + "foxglove.PoseInFrame (JSON). Annotate a record with \"wellKnown\" (see docs/schema.md)."
        : `${names.length} frames from ${[...this.followed.values()].map((c) => c.topic).join(", ")}`
          + " · drag to orbit, wheel to zoom, double click to fit";
  }

  // A function mapping a 3D segment [a, b] to screen [x1, y1, x2, y2], clipped at the near plane; null when
  // wholly behind it. A point is the segment [p, p].
  projector(width, height) {
    const c = this.camera;
    const eye = add(c.target, scale([Math.cos(c.pitch) * Math.cos(c.yaw), Math.cos(c.pitch) * Math.sin(c.yaw),
                                     Math.sin(c.pitch)], c.distance));
    const forward = normalise(sub(c.target, eye));
    const right = normalise(cross(forward, [0, 0, 1]));
    const up = cross(right, forward);
    const focal = height / 2 / Math.tan(FOV_Y / 2);
    const toCamera = (p) => { const d = sub(p, eye); return [dot(d, right), dot(d, up), dot(d, forward)]; };
    const screen = (q) => [width / 2 + focal * q[0] / q[2], height / 2 - focal * q[1] / q[2]];
    return (a, b) => {
      let p = toCamera(a);
      let q = toCamera(b);
      if (p[2] < NEAR && q[2] < NEAR) { return null; }
      if (p[2] < NEAR || q[2] < NEAR) {
        const t = (NEAR - p[2]) / (q[2] - p[2]);
        const cut = add(p, scale(sub(q, p), t));
        if (p[2] < NEAR) { p = cut; } else { q = cut; }
      }
      return [...screen(p), ...screen(q)];
    };
  }
}
