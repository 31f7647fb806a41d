// The built-in page of `shmtel serve`: a Foxglove WebSocket (v1) client that lists the advertised
// channels and plots the numeric fields of one, live, with uPlot; its 3D view (scene3d.js) draws the
// transform channels. Deep links:
//   /?channel=REGION/RECORD&fields=position[0],position[1]&window=10
//   /?view=3d
"use strict";

const params = new URLSearchParams(location.search);
const WINDOW_S = Number(params.get("window")) > 0 ? Number(params.get("window")) : 10;
const PALETTE = ["#2a62d8", "#d8452a", "#1c8c4a", "#9b3fd1", "#d89a2a", "#1aa3b3", "#c2377a", "#5c6b1f",
                 "#7a4b2a", "#3a3f8f", "#b3261e", "#2f7d6d"];
const decoder = new TextDecoder();
const $ = (id) => document.getElementById(id);

const channels = new Map();      // channel id -> {id, topic, schemaName, schema}
let wanted = params.get("channel"); // topic to show (kept across re-advertisements)
let current = null;              // {channel, subscription, series, data, plot, count, ...}
let ws = null;
let nextSubscription = 1;
const subscribed = new Map();    // channel id -> subscription id: one per channel, shared by the plot and the 3D view
let view = params.get("view") === "3d" ? "3d" : "plot";
const scene = new Scene3D($("scene"), $("scene-message"));

function connect() {
  ws = new WebSocket(`ws://${location.host}/`, ["foxglove.websocket.v1"]);
  ws.binaryType = "arraybuffer";
  ws.onopen = () => { $("connection").textContent = "connected"; $("connection").className = "live"; };
  ws.onclose = () => {
    $("connection").textContent = "disconnected, retrying…"; $("connection").className = "";
    channels.clear();
    subscribed.clear();
    scene.disconnected();
    if (current) { current.subscription = null; }
    renderChannels();
    setTimeout(connect, 1000);
  };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") {
      onJson(JSON.parse(event.data));
    } else {
      onBinary(event.data);
    }
  };
}

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); }
}

function onJson(message) {
  switch (message.op) {
    case "serverInfo":
      $("server").textContent = `${message.name} · ${message.metadata?.["shmtel.dir"] ?? ""}`;
      break;
    case "advertise":
      for (const c of message.channels) {
        let schema = {};
        try { schema = JSON.parse(c.schema); } catch (e) { /* shown without units */ }
        channels.set(c.id, { ...c, schemaObject: schema });
      }
      renderChannels();
      followPlot();
      followScene();
      break;
    case "unadvertise":
      for (const id of message.channelIds) {
        channels.delete(id);
        subscribed.delete(id);
        if (current && current.channel.id === id) {
          current.subscription = null;
          setMessage(`${current.channel.topic} was withdrawn (writer gone or restarted); waiting for it to come back`);
        }
      }
      renderChannels();
      follow();
      followScene();
      break;
    case "status":
      setMessage(message.message, message.level >= 2);
      break;
  }
}

// The plot follows the wanted channel, by default the first advertised (only once the plot is shown).
function followPlot() {
  if (view !== "plot") { return; }
  if (!wanted && channels.size > 0) { wanted = [...channels.values()][0].topic; }
  follow();
}

// The 3D view follows every transform channel while it is shown (from the first time it is shown on).
let sceneShown = false;
function followScene() {
  if (!sceneShown) { return; }
  scene.sync([...channels.values()], subscribe);
}

// The connection's subscription to a channel, made on first use (the server refuses a second one).
function subscribe(channel) {
  if (!subscribed.has(channel.id)) {
    const subscription = nextSubscription++;
    subscribed.set(channel.id, subscription);
    send({ op: "subscribe", subscriptions: [{ id: subscription, channelId: channel.id }] });
  }
  return subscribed.get(channel.id);
}

// Ends a subscription of the plot unless the 3D view reads it too.
function release(channel, subscription) {
  if (scene.follows(subscription) || subscribed.get(channel.id) !== subscription) { return; }
  subscribed.delete(channel.id);
  send({ op: "unsubscribe", subscriptionIds: [subscription] });
}

// Shows the plot or the 3D view; the address keeps the choice (a deep link).
function showView(name) {
  view = name;
  $("plot-view").hidden = name !== "plot";
  $("view3d").hidden = name !== "3d";
  $("view-plot").className = name === "plot" ? "selected" : "";
  $("view-3d").className = name === "3d" ? "selected" : "";
  scene.visible = name === "3d";
  scene.dirty = true;
  const url = new URL(location.href);
  if (name === "3d") { url.searchParams.set("view", "3d"); } else { url.searchParams.delete("view"); }
  history.replaceState(null, "", url);
  if (name === "3d" && !sceneShown) {
    sceneShown = true;
    followScene();
  }
  if (name === "plot") { followPlot(); }
}
$("view-plot").onclick = () => showView("plot");
$("view-3d").onclick = () => showView("3d");

// Subscribes to the wanted topic's channel when it is (re-)advertised.
function follow() {
  if (!wanted) { return; }
  const channel = [...channels.values()].find((c) => c.topic === wanted);
  if (!channel || (current && current.subscription !== null && current.channel.id === channel.id)) { return; }
  if (current && current.subscription !== null) { release(current.channel, current.subscription); }
  const sameTopic = current && current.channel.topic === channel.topic;
  const subscription = subscribe(channel);
  if (sameTopic) {
    current.channel = channel;
    current.subscription = subscription;
    setMessage("");
  } else {
    if (current && current.plot) { current.plot.destroy(); }
    current = { channel, subscription, series: null, data: null, plot: null, count: 0, rateCount: 0,
                rateSince: performance.now(), rate: 0, latest: null, dirty: false };
    $("title").textContent = channel.topic;
    $("subtitle").textContent = `${channel.schemaName}${channel.schemaObject.description ? " · " + channel.schemaObject.description : ""}`;
    $("fields").textContent = "";
    $("chart").textContent = "";
    $("latest").textContent = "";
    setMessage("waiting for the first sample…");
  }
  renderChannels();
}

function onBinary(buffer) {
  const data = new DataView(buffer);
  if (data.getUint8(0) !== 1) { return; }
  const subscription = data.getUint32(1, true);
  const plotted = current !== null && subscription === current.subscription;
  if (scene.follows(subscription)) {
    const text = decoder.decode(new Uint8Array(buffer, 13));
    scene.onMessage(subscription, text);
    if (plotted) { onSample(Number(data.getBigUint64(5, true)) / 1e9, text); }
  } else if (plotted) {
    onSample(Number(data.getBigUint64(5, true)) / 1e9, decoder.decode(new Uint8Array(buffer, 13)));
  }
}

// A message of the plotted channel.
function onSample(timeS, text) {
  const sample = JSON.parse(text);
  if (!current.series) { setUp(sample); }
  const data = current.data;
  data[0].push(timeS);
  current.series.forEach((s, i) => data[i + 1].push(s.get(sample)));
  const cutoff = timeS - WINDOW_S;
  let drop = 0;
  while (drop < data[0].length && data[0][drop] < cutoff) { drop++; }
  if (drop > 0) { data.forEach((a) => a.splice(0, drop)); }
  current.latest = sample;
  current.count++;
  current.rateCount++;
  current.dirty = true;
  if (current.count === 1) { setMessage(""); }
}

// The numeric fields of the first sample become series (array elements one each); units from the schema.
function setUp(sample) {
  const properties = current.channel.schemaObject.properties ?? {};
  const shown = params.get("fields") ? params.get("fields").split(",") : null;
  const series = [];
  for (const [name, value] of Object.entries(sample)) {
    const unit = unitOf(properties[name]);
    if (typeof value === "number" || typeof value === "boolean") {
      series.push({ key: name, unit, get: (s) => toNumber(s[name]) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        if (typeof v === "number" || typeof v === "boolean") {
          series.push({ key: `${name}[${i}]`, unit, get: (s) => toNumber(s[name]?.[i]) });
        }
      });
    }
  }
  series.forEach((s, i) => {
    s.color = PALETTE[i % PALETTE.length];
    s.show = shown ? shown.includes(s.key) : i < 4;
  });
  current.series = series;
  current.data = [[], ...series.map(() => [])];
  const fields = $("fields");
  series.forEach((s, i) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = s.show;
    box.dataset.field = s.key;
    box.onchange = () => { s.show = box.checked; current.plot.setSeries(i + 1, { show: box.checked }); };
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = s.color;
    label.append(box, swatch, ` ${s.key}${s.unit ? " [" + s.unit + "]" : ""}`);
    fields.append(label);
  });
  const width = Math.max(400, $("chart").clientWidth || 800);
  current.plot = new uPlot({
    width, height: 320,
    scales: { x: { time: true } },
    legend: { show: false },
    series: [{}, ...series.map((s) => ({ label: s.key, stroke: s.color, width: 1.5, show: s.show, points: { show: false } }))],
    axes: [{}, { size: 70 }],
  }, current.data, $("chart"));
}

function unitOf(property) {
  const match = /\[([^\]]+)\]$/.exec(property?.description ?? "");
  return match ? match[1] : "";
}

function toNumber(v) {
  if (typeof v === "boolean") { return v ? 1 : 0; }
  return typeof v === "number" ? v : null;
}

function renderChannels() {
  const list = $("channels");
  list.textContent = "";
  $("empty").style.display = channels.size === 0 ? "" : "none";
  for (const c of [...channels.values()].sort((a, b) => a.topic.localeCompare(b.topic))) {
    const button = document.createElement("button");
    button.dataset.topic = c.topic;
    button.className = current && current.channel.topic === c.topic ? "selected" : "";
    button.append(c.topic);
    const small = document.createElement("small");
    small.textContent = c.schemaName;
    button.append(small);
    button.onclick = () => { wanted = c.topic; follow(); showView("plot"); };
    list.append(button);
  }
}

function renderLatest() {
  const sample = current.latest;
  const body = $("latest");
  const properties = current.channel.schemaObject.properties ?? {};
  for (const [name, value] of Object.entries(sample)) {
    let row = body.querySelector(`tr[data-field="${CSS.escape(name)}"]`);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.field = name;
      const th = document.createElement("th");
      const unit = unitOf(properties[name]);
      th.textContent = unit ? `${name} [${unit}]` : name;
      row.append(th, document.createElement("td"));
      body.append(row);
    }
    row.lastChild.textContent = Array.isArray(value) ? value.map(format).join("  ") : format(value);
  }
}

function format(v) {
  if (typeof v !== "number") { return String(v); }
  return Number.isInteger(v) ? String(v) : v.toPrecision(6);
}

function setMessage(text, error = false) {
  $("message").textContent = text;
  $("message").className = error ? "error" : "";
}

// Draw at the display's frame rate, whatever the message rate; the table ten times a second.
let lastTable = 0;
function frame(now) {
  if (current && current.dirty && current.plot) {
    current.dirty = false;
    current.plot.setData(current.data);
    if (now - lastTable > 100) {
      lastTable = now;
      renderLatest();
      const seconds = (now - current.rateSince) / 1000;
      if (seconds >= 1) {
        current.rate = current.rateCount / seconds;
        current.rateCount = 0;
        current.rateSince = now;
      }
      $("subtitle").dataset.count = String(current.count);
      $("subtitle").textContent = `${current.channel.schemaName} · ${current.count} messages · ${current.rate.toFixed(0)}/s`;
    }
  }
  scene.frame();
  requestAnimationFrame(frame);
}
window.addEventListener("resize", () => {
  if (current && current.plot) { current.plot.setSize({ width: Math.max(400, $("chart").clientWidth), height: 320 }); }
});

showView(view);
connect();
requestAnimationFrame(frame);
