"use strict";
// The picture of one group: facts, members as coloured boxes, one lane per partition, the rebalance timeline.
// Everything is built with DOM calls and textContent: names come from the cluster and are never parsed as HTML.

const PALETTE = ["#0072b2", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8f6d00", "#6a3d9a", "#1b9e77", "#e7298a", "#66a61e"];
const colours = new Map();

// A member keeps its colour for the whole session (by client id: what the learner named it).
function colourOf(client) {
  if (!client) return null;
  if (!colours.has(client)) colours.set(client, PALETTE[colours.size % PALETTE.length]);
  return colours.get(client);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const short = id => !id ? "" : id.length > 12 ? id.slice(0, 12) + "…" : id;
const clock = t => new Date(t).toLocaleTimeString([], { hour12: false });
const num = v => v === null || v === undefined || v < 0 ? "-" : String(v);

// The group's section, made once and then updated in place on every group_state.
function groupSection(root, group) {
  let section = root.querySelector(`section[data-group="${CSS.escape(group)}"]`);
  if (section) return section;
  section = el("section", { class: "group", "data-group": group },
    el("h2", {}, "Group ", el("span", { class: "group-name" }, group)),
    el("div", { class: "facts" }),
    el("div", { class: "unreachable", "data-shown": "false" }),
    el("h3", {}, "Members"), el("div", { class: "members" }),
    el("h3", {}, "Partitions: log end, committed offset and lag, to scale"), el("div", { class: "lanes" }),
    el("h3", {}, "Lag per partition"), el("div", { class: "chart-lag" }),
    el("h3", {}, "Records/s per member"), el("div", { class: "chart-rate" }),
    el("h3", {}, "Rebalances"), el("table", { class: "timeline" }));
  root.append(section);
  return section;
}

function drawFacts(section, s) {
  const facts = section.querySelector(".facts");
  facts.replaceChildren(
    "state ", el("b", { class: `state state-${s.state}` }, s.state),
    " · protocol ", el("b", { class: "protocol" }, s.protocol ?? "-"),
    " · assignor ", el("b", {}, s.assignor ?? "-"),
    " · generation ", el("b", { class: "generation" }, s.generation ?? "-"),
    ` · ${s.source === "member_reports" ? "owners as the members report them" : "owners from the group API"} · ${clock(s.time)}`);
  const banner = section.querySelector(".unreachable");
  const down = s.broker_unreachable_since;
  banner.dataset.shown = down ? "true" : "false";
  banner.textContent = down ? `broker unreachable since ${clock(down)}: state unknown, the rest is the last picture seen` : "";
}

// Records/s of a member: the sum over the partitions it owns now.
function memberRates(s) {
  const rates = new Map();
  for (const p of s.partitions) if (p.owner) rates.set(p.owner, (rates.get(p.owner) ?? 0) + (p.records_per_s ?? 0));
  return rates;
}

function drawMembers(section, s) {
  const rates = memberRates(s);
  const boxes = s.members.map(m => {
    const colour = colourOf(m.client_id);
    const rate = rates.get(m.member_id) ?? 0;
    return el("div", { class: "member", "data-member": m.member_id, "data-client": m.client_id, "data-stale": String(m.stale), style: `background:${colour}` },
      el("div", { class: "client" }, m.client_id, ...(m.stale ? [el("span", { class: "badge" }, "stale")] : [])),
      el("div", { class: "id" }, m.member_id ? short(m.member_id) : "(joining)"),
      el("div", { class: "rate" }, m.stale ? `silent ${m.last_report_s ?? "?"} s: owns nothing` : `${rate.toFixed(1)} records/s`),
      el("div", { class: "owns" }, m.stale ? "" : `partitions [${m.partitions.map(p => p.slice(p.lastIndexOf("-") + 1)).join(", ")}]`));
  });
  section.querySelector(".members").replaceChildren(...(boxes.length ? boxes : [el("span", { class: "waiting" }, "no member")]));
}

// One lane per partition: the bar's full width is the largest log end of the group, so lanes compare.
function drawLanes(section, s) {
  const scale = Math.max(1, ...s.partitions.map(p => Math.max(p.end, p.committed ?? 0)));
  const lanes = s.partitions.map(p => {
    const name = `${p.topic}-${p.partition}`;
    const end = Math.max(0, p.end);
    const committed = Math.min(end, Math.max(0, p.committed ?? 0));
    const colour = colourOf(p.client_id);
    const bar = el("div", { class: "bar" },
      el("div", { class: "done", style: `width:${(100 * (p.owner ? committed : end) / scale).toFixed(2)}%;background:${colour ?? "transparent"}` }),
      el("div", { class: "lag", style: `left:${(100 * committed / scale).toFixed(2)}%;width:${(100 * (p.lag ?? 0) / scale).toFixed(2)}%` }),
      el("span", { class: "who", style: colour ? `background:${colour}` : "" }, p.owner ? `${p.client_id} · ${short(p.owner)}` : "no owner"));
    return el("div", { class: "lane", "data-partition": name, "data-owner": p.client_id ?? "", "data-member": p.owner ?? "", "data-lag": p.lag ?? "" },
      el("span", { class: "name" }, name), bar,
      el("span", { class: "numbers" }, `end ${num(p.end)} · committed ${num(p.committed)} · lag ${num(p.lag)}`));
  });
  section.querySelector(".lanes").replaceChildren(...(lanes.length ? lanes : [el("span", { class: "waiting" }, "no partitions to show yet")]));
}

// The timeline: when, how long until every partition was owned again, what moved, who paused (gave a partition up).
function drawTimeline(section, rebalances) {
  const rows = [...rebalances].sort((a, b) => b.started.localeCompare(a.started)).slice(0, 10).map(r => {
    const paused = [...new Set(r.moves.filter(m => m.from_client).map(m => m.from_client))];
    const moves = r.moves.length === 0 ? ["nothing moved"] : r.moves.map(m => el("div", {},
      `${m.topic}-${m.partition} `, chip(m.from_client), m.from_client ?? "nobody", " → ", chip(m.to_client), m.to_client ?? "nobody"));
    return el("tr", { "data-started": r.started },
      el("td", {}, clock(r.started)), el("td", {}, `${r.duration_s.toFixed(1)} s`), el("td", {}, r.generation ?? "-"),
      el("td", {}, ...moves), el("td", {}, paused.length ? paused.join(", ") : "-"));
  });
  section.querySelector(".timeline").replaceChildren(
    el("tr", {}, el("th", {}, "When"), el("th", {}, "Until every partition owned"), el("th", {}, "Generation"), el("th", {}, "Moved"), el("th", {}, "Paused")),
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: "5" }, "none seen yet"))]));
}

function chip(client) {
  return el("span", { class: "chip", style: `background:${colourOf(client) ?? "var(--unowned)"}` });
}
