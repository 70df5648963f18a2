// The run's web UI: one page that reads the REST API (/api/v1/...) and renders with DOM calls and
// uPlot; it refreshes every second while the run is RUNNING.
"use strict";

const api = "/api/v1/applications";
let appId = null;
let timer = null;

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

async function json(path) {
  const response = await fetch(path);
  if (!response.ok) {
    throw new Error(path + ": " + response.status);
  }
  return response.json();
}

function ms(value) {
  return value === undefined ? "" : value.toLocaleString() + " ms";
}

/** The inputs' rate bound in the latest batch (sum over bounded partitions), or "none". */
function rateBound(batch, batchDuration) {
  const bounded = (batch.slices || []).filter(s => s.bound >= 0);
  if (bounded.length === 0) {
    return "none";
  }
  const perBatch = bounded.reduce((sum, s) => sum + s.bound, 0);
  return Math.round(perBatch * 1000 / batchDuration).toLocaleString() + " records/s";
}

function card(label, value) {
  return el("div", { class: "card" }, el("div", { class: "label" }, label),
    el("div", { class: "value" }, value));
}

/** A table from column titles and rows of cells; a cell may be a node. */
function table(id, columns, rows, rowClass) {
  return el("table", { id },
    el("thead", {}, el("tr", {}, columns.map(c => el("th", { class: c.text ? "text" : "" }, c.title)))),
    el("tbody", {}, rows.map(row => el("tr", { class: rowClass ? rowClass(row) : "" },
      columns.map(c => el("td", { class: c.text ? "text" : "" }, c.cell(row)))))));
}

/** A time series chart of one value per batch, oldest first. */
function chart(title, batches, value, unit) {
  const points = batches.filter(b => value(b) !== undefined).slice().reverse();
  const box = el("div", { class: "chart", "data-points": String(points.length) });
  const data = [points.map(b => b.batchId / 1000), points.map(value)];
  new uPlot({
    title, width: 440, height: 180,
    series: [{}, { label: unit, stroke: "#1f6fb2", width: 1.5, points: { show: points.length < 60 } }],
    axes: [{}, { size: 60 }],
  }, data, box);
  return box;
}

/** A histogram of one value over the batches: how many batches fell in each of 10 bins. */
function histogram(title, batches, value, unit) {
  const values = batches.map(value).filter(v => v !== undefined);
  const box = el("div", { class: "chart histogram", "data-points": String(values.length) });
  const max = Math.max(1, ...values);
  const width = max / 10;
  const counts = new Array(10).fill(0);
  values.forEach(v => counts[Math.min(9, Math.floor(v / width))]++);
  const bins = counts.map((_, i) => Math.round(i * width));
  new uPlot({
    title, width: 440, height: 180,
    scales: { x: { time: false } },
    series: [{ label: unit }, { label: "batches", fill: "#9cc3e4", stroke: "#1f6fb2",
      paths: uPlot.paths.bars({ size: [0.9, 60] }), points: { show: false } }],
    axes: [{}, { size: 50 }],
  }, [bins, counts], box);
  return box;
}

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  children.forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

/**
 * The DStream graph laid out by dagre: a box per stream (kind, name, and for a stage its records
 * and task time in the latest batch), an arrow per dependency.
 */
function graphPicture(graph, stages) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 20, ranksep: 40 });
  g.setDefaultEdgeLabel(() => ({}));
  const label = n => n.name.length > 34 ? "…" + n.name.slice(-33) : n.name;
  (graph.nodes || []).forEach(n => g.setNode(n.id, { width: 240, height: 54, node: n }));
  (graph.edges || []).forEach(e => g.setEdge(e.from, e.to));
  dagre.layout(g);
  const size = g.graph();
  const picture = svg("svg", { id: "graph", width: size.width + 20, height: size.height + 20 },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
      markerWidth: "6", markerHeight: "6", orient: "auto" }, svg("path", { d: "M0,0L10,5L0,10z" }))));
  g.edges().forEach(e => {
    const points = g.edge(e).points.map(p => (p.x + 10) + "," + (p.y + 10)).join(" ");
    picture.append(svg("polyline", { class: "edge", points, "marker-end": "url(#arrow)" }));
  });
  g.nodes().forEach(id => {
    const box = g.node(id);
    const n = box.node;
    const x = box.x - box.width / 2 + 10;
    const y = box.y - box.height / 2 + 10;
    const stage = stages[n.id];
    const figures = stage ? stage.recordsIn.toLocaleString() + " records, " + stage.taskTime + " ms" : "";
    picture.append(svg("g", { class: "node " + n.kind },
      svg("title", {}, n.id),
      svg("rect", { x, y, width: box.width, height: box.height, rx: 5 }),
      svg("text", { x: x + 8, y: y + 16, class: "kind" }, n.kind),
      svg("text", { x: x + 8, y: y + 32 }, label(n)),
      svg("text", { x: x + 8, y: y + 47, class: "figures" }, figures)));
  });
  return picture;
}

function batchRows(batches) {
  const inputs = [...new Set(batches.flatMap(b => Object.keys(b.recordsIn || {})))];
  return table("batches", [
    { title: "Batch time", text: true, cell: b => el("a", { href: "#/batch/" + b.batchId }, b.batchTime) },
    { title: "Records", cell: b => b.inputSize.toLocaleString() },
    ...inputs.map(input => ({ title: input, cell: b => ((b.recordsIn || {})[input] || 0).toLocaleString() })),
    { title: "Scheduling delay", cell: b => ms(b.schedulingDelay) },
    { title: "Processing time", cell: b => ms(b.processingTime) },
    { title: "Total delay", cell: b => ms(b.totalDelay) },
    { title: "Attempts", cell: b => b.attempts },
    { title: "Status", text: true, cell: b => b.status },
  ], batches, b => b.status);
}

async function overview() {
  const [app, stats, batches] = await Promise.all([
    json(`${api}/${appId}`), json(`${api}/${appId}/streaming/statistics`),
    json(`${api}/${appId}/streaming/batches`)]);
  const ended = batches.filter(b => b.status !== "PROCESSING");
  const uptime = Math.round((Date.now() - app.startTime) / 1000);
  const latest = ended.length > 0 ?
    await json(`${api}/${appId}/streaming/batches/${ended[0].batchId}`) : { stages: [] };
  const stages = Object.fromEntries((latest.stages || []).map(s => [s.stage, s]));
  const page = el("div", { id: "overview" },
    el("div", { class: "cards" },
      card("Mode", app.streaming ? "streaming" : "batch"),
      card("Batch interval", ms(app.batchDuration)),
      card("Uptime", uptime.toLocaleString() + " s"),
      card("Completed batches", stats.numTotalCompletedBatches),
      card("Failed batches", stats.numFailedBatches),
      card("Retried attempts", stats.numRetriedAttempts),
      card("Records processed", stats.numProcessedRecords.toLocaleString()),
      card("Avg input rate", stats.avgInputRate === undefined ? "" :
        Math.round(stats.avgInputRate).toLocaleString() + " records/s"),
      card("Rate bound", rateBound(latest, app.batchDuration))),
    el("h2", {}, "Pipeline (latest batch)"),
    graphPicture(app.graph || {}, stages),
    el("h2", {}, "Timelines"),
    el("div", { class: "charts" },
      chart("Input rate", ended, b => b.inputSize * 1000 / app.batchDuration, "records/s"),
      chart("Scheduling delay", ended, b => b.schedulingDelay, "ms"),
      chart("Processing time", ended, b => b.processingTime, "ms"),
      chart("Total delay", ended, b => b.totalDelay, "ms"),
      histogram("Scheduling delay (histogram)", ended, b => b.schedulingDelay, "ms"),
      histogram("Processing time (histogram)", ended, b => b.processingTime, "ms")),
    el("h2", {}, "Batches"),
    batchRows(batches),
    el("h2", {}, "Options"),
    table("options", [
      { title: "Option", text: true, cell: o => o[0] },
      { title: "Value", text: true, cell: o => o[1] },
    ], Object.entries(app.options || {})));
  return page;
}

async function batchPage(batchId) {
  const b = await json(`${api}/${appId}/streaming/batches/${batchId}`);
  return el("div", { id: "batch" },
    el("h2", {}, "Batch " + b.batchTime + " (" + b.status + ")"),
    el("div", { class: "cards" },
      card("Records", b.inputSize.toLocaleString()),
      card("Scheduling delay", ms(b.schedulingDelay)),
      card("Processing time", ms(b.processingTime)),
      card("Attempts", b.attempts),
      card("Output watermark", b.outputWatermark || ""),
      b.checkpointBytes === undefined ? "" :
        card("Checkpoint", b.checkpointBytes.toLocaleString() + " bytes, " + ms(b.checkpointTime))),
    el("h2", {}, "Input slices"),
    table("slices", [
      { title: "Input", text: true, cell: s => s.input },
      { title: "Partition", text: true, cell: s => s.partition },
      { title: "From offset", cell: s => s.fromOffset },
      { title: "Until offset", cell: s => s.untilOffset },
      { title: "Records", cell: s => s.untilOffset - s.fromOffset },
      { title: "End offset", cell: s => s.endOffset },
      { title: "Lag", cell: s => s.lag },
      { title: "Bound", cell: s => s.bound < 0 ? "none" : s.bound },
    ], b.slices || []),
    el("h2", {}, "Stages"),
    table("stages", [
      { title: "Stage", text: true, cell: s => s.stage },
      { title: "Tasks", cell: s => s.tasks },
      { title: "Records in", cell: s => s.recordsIn.toLocaleString() },
      { title: "Task time", cell: s => ms(s.taskTime) },
      { title: "Slowest task", cell: s => ms(s.slowestTaskTime) },
      { title: "Output watermark", text: true, cell: s => s.outputWatermark },
    ], b.stages || []),
    el("h2", {}, "Sink transactions"),
    table("transactions", [
      { title: "Sink", text: true, cell: t => t.sink },
      { title: "Writes to", text: true, cell: t => t.target },
      { title: "Records", cell: t => t.records.toLocaleString() },
      { title: "Outcome", text: true, cell: t => t.outcome.toLowerCase().replace("_", " ") },
      { title: "Commit time", cell: t => t.outcome === "COMMITTED" ? ms(t.commitTime) : "" },
    ], b.transactions || []),
    el("h2", {}, "Watermarks"),
    table("watermarks", [
      { title: "Stream", text: true, cell: w => w[0] },
      { title: "Watermark", text: true, cell: w => w[1] },
    ], Object.entries(b.watermarks || {})),
    b.failure ? el("div", {}, el("h2", {}, "Failure"), el("pre", { class: "failure" }, b.failure)) : "");
}

/** Per input partition: where the run stands (the latest batch's end), the partition's end, lag. */
async function inputsPage() {
  const batches = await json(`${api}/${appId}/streaming/batches`);
  const ended = batches.filter(b => b.status === "COMPLETED");
  const latest = ended.length > 0 ?
    await json(`${api}/${appId}/streaming/batches/${ended[0].batchId}`) : { slices: [] };
  const stats = await json(`${api}/${appId}/streaming/statistics`);
  return el("div", { id: "inputs" },
    el("h2", {}, "Inputs"),
    table("input-totals", [
      { title: "Input", text: true, cell: e => e[0] },
      { title: "Records read", cell: e => e[1].toLocaleString() },
    ], Object.entries(stats.recordsInByInput || {})),
    el("h2", {}, "Partitions after batch " + (latest.batchTime || "")),
    table("partitions", [
      { title: "Input", text: true, cell: s => s.input },
      { title: "Partition", text: true, cell: s => s.partition },
      { title: "Committed offset", cell: s => s.untilOffset },
      { title: "End offset", cell: s => s.endOffset },
      { title: "Lag", cell: s => s.lag },
      { title: "Bound per batch", cell: s => s.bound < 0 ? "none" : s.bound },
    ], latest.slices || []));
}

/** What the run restored at start, and each retained batch's checkpoint. */
async function checkpointsPage() {
  const app = await json(`${api}/${appId}`);
  const batches = await json(`${api}/${appId}/streaming/batches`);
  const restored = app.restored || {};
  return el("div", { id: "checkpoints" },
    el("h2", {}, "Restored at start"),
    el("p", { id: "restored" }, restored.checkpoint ?
      "Resumed from the checkpoint of batch " + restored.checkpoint +
        (restored.pendingBatches && restored.pendingBatches.length > 1 ?
          ", re-running batches " + restored.pendingBatches.join(", ") :
          restored.pendingBatch ? ", re-running batch " + restored.pendingBatch : "") :
      "Started afresh (no checkpoint restored)."),
    el("h2", {}, "Checkpoints written"),
    table("checkpoint-list", [
      { title: "Batch time", text: true, cell: b => el("a", { href: "#/batch/" + b.batchId }, b.batchTime) },
      { title: "Size", cell: b => b.checkpointBytes.toLocaleString() + " bytes" },
      { title: "Duration", cell: b => ms(b.checkpointTime) },
    ], batches.filter(b => b.checkpointBytes !== undefined)));
}

/** The pipeline's Beam metrics per step, attempted and committed. */
async function metricsPage() {
  const metrics = await json(`${api}/${appId}/metrics`);
  const value = v => typeof v === "object" ? Object.entries(v).map(e => e.join("=")).join(", ") : v;
  return el("div", { id: "metrics" },
    el("h2", {}, "Beam metrics"),
    table("beam-metrics", [
      { title: "Step", text: true, cell: m => m.step },
      { title: "Namespace", text: true, cell: m => m.namespace },
      { title: "Name", text: true, cell: m => m.name },
      { title: "Type", text: true, cell: m => m.type },
      { title: "Attempted", cell: m => value(m.attempted) },
      { title: "Committed", cell: m => value(m.committed) },
    ], metrics));
}

async function render() {
  try {
    if (appId === null) {
      const apps = await json(api);
      appId = apps[0].id;
    }
    const app = await json(`${api}/${appId}`);
    document.getElementById("run-name").textContent = app.name;
    const state = document.getElementById("run-state");
    state.textContent = app.state;
    state.className = "state " + app.state;
    const route = location.hash.match(/^#\/batch\/(-?\d+)$/);
    const page = route ? await batchPage(route[1])
      : location.hash === "#/inputs" ? await inputsPage()
      : location.hash === "#/metrics" ? await metricsPage()
      : location.hash === "#/checkpoints" ? await checkpointsPage()
      : await overview();
    document.getElementById("page").replaceChildren(page);
    if (app.state !== "RUNNING" && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  } catch (e) {
    document.getElementById("page").replaceChildren(el("pre", { class: "failure" }, String(e)));
  }
}

window.addEventListener("hashchange", render);
render();
timer = setInterval(render, 1000);
