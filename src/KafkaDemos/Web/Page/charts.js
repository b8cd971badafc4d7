"use strict";
// Line charts in plain SVG, as lag exporters plot them into dashboards: one line per series over the
// last minutes, each rebalance a shaded band from its start to the moment every partition was owned again.

const SVG = "http://www.w3.org/2000/svg";
const CHART_WINDOW_MS = 5 * 60 * 1000;

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// series: Map(name -> {colour, points: [{t (ms), v}]}); rebalances: [{started, completed}] (ISO times);
// since: where the time axis starts (the group's first point, so its charts share one axis).
function drawChart(container, series, rebalances, unit, since) {
  const width = Math.max(300, container.clientWidth || 520), height = 150;
  const left = 44, right = 8, top = 8, bottom = 20;
  const now = Date.now(), from = now - CHART_WINDOW_MS;
  const all = [...series.values()].flatMap(s => s.points).filter(p => p.t >= from);
  const start = Math.max(from, since ?? from);
  const span = Math.max(10_000, now - start);
  const max = Math.max(1, ...all.map(p => p.v));
  const x = t => left + (width - left - right) * (t - start) / span;
  const y = v => top + (height - top - bottom) * (1 - v / max);

  const chart = svg("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none", role: "img" });
  chart.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: y(0), y2: y(0) }));
  chart.append(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: y(0) }));
  chart.append(svg("text", { x: left - 4, y: top + 8, "text-anchor": "end" }, formatValue(max)));
  chart.append(svg("text", { x: left - 4, y: y(0), "text-anchor": "end" }, "0"));
  chart.append(svg("text", { x: left, y: height - 4 }, `${Math.round(span / 1000)} s ago`));
  chart.append(svg("text", { x: width - right, y: height - 4, "text-anchor": "end" }, `now · ${unit}`));

  for (const r of rebalances) {
    const a = Date.parse(r.started), b = Date.parse(r.completed);
    if (b < start) continue;
    const x0 = x(Math.max(a, start)), x1 = Math.max(x0 + 2, x(b));
    const band = svg("rect", { class: "rebalance", x: x0, y: top, width: x1 - x0, height: y(0) - top });
    band.append(svg("title", {}, `rebalance ${r.duration_s.toFixed(1)} s`));
    chart.append(band, svg("line", { class: "rebalance-line", x1: x0, x2: x0, y1: top, y2: y(0) }));
  }
  for (const [name, s] of series) {
    const points = s.points.filter(p => p.t >= start);
    if (points.length === 0) continue;
    const path = points.map(p => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
    const line = svg("polyline", { points: path, fill: "none", stroke: s.colour, "stroke-width": 1.8, "data-series": name });
    line.append(svg("title", {}, name));
    chart.append(line);
  }
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const [name, s] of series) {
    const item = document.createElement("span");
    const swatch = document.createElement("span");
    swatch.className = "chip";
    swatch.style.background = s.colour;
    item.append(swatch, document.createTextNode(name));
    legend.append(item);
  }
  container.replaceChildren(chart, legend);
}

// Partitions' lines get colours of their own (a member's colour is for what it owns, and it owns several).
const PARTITION_PALETTE = ["#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628", "#f781bf", "#999999", "#e41a1c", "#17becf", "#bcbd22"];
const partitionColours = new Map();

function partitionColour(name) {
  if (!partitionColours.has(name)) partitionColours.set(name, PARTITION_PALETTE[partitionColours.size % PARTITION_PALETTE.length]);
  return partitionColours.get(name);
}

function formatValue(v) {
  return v >= 10_000 ? `${(v / 1000).toFixed(0)}k` : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

// Per group: what the charts draw, appended at every group_state and trimmed to the window.
class ChartHistory {
  constructor() { this.lag = new Map(); this.rate = new Map(); }

  add(s) {
    const t = Date.parse(s.time);
    for (const p of s.partitions) {
      if (p.lag === null || p.lag === undefined) continue;
      const name = `${p.topic}-${p.partition}`;
      this.push(this.lag, name, partitionColour(name), t, p.lag);
    }
    const rates = memberRates(s);
    for (const m of s.members) {
      if (m.stale) continue;
      this.push(this.rate, m.client_id, colourOf(m.client_id), t, rates.get(m.member_id) ?? 0);
    }
  }

  // The earliest moment either chart has a point for, or null.
  since() {
    const firsts = [...this.lag.values(), ...this.rate.values()].filter(s => s.points.length).map(s => s.points[0].t);
    return firsts.length ? Math.min(...firsts) : null;
  }

  push(map, name, colour, t, v) {
    if (!map.has(name)) map.set(name, { colour, points: [] });
    const s = map.get(name);
    s.points.push({ t, v });
    const from = Date.now() - CHART_WINDOW_MS;
    while (s.points.length && s.points[0].t < from) s.points.shift();
  }
}
