"use strict";
// The page's loop: the last minutes from /history, then every event from /events (Server-Sent Events,
// each message one `demo groups watch -o json` object). A reconnect gets the current state at once.

const groups = new Map(); // group -> { state, rebalances: Map(started|completed -> event), history: ChartHistory, lastTime }
const root = document.getElementById("groups");
const connection = document.getElementById("connection");

function groupOf(name) {
  if (!groups.has(name)) groups.set(name, { state: null, rebalances: new Map(), history: new ChartHistory(), lastTime: "" });
  return groups.get(name);
}

function receive(e) {
  if (e.event === "group_state") {
    const g = groupOf(e.group);
    // The same refresh can come twice (in /history and again as the stream's current state).
    if (e.time <= g.lastTime) return false;
    g.lastTime = e.time;
    g.state = e;
    g.history.add(e);
    return true;
  }
  if (e.event === "rebalance") {
    groupOf(e.group).rebalances.set(`${e.started}|${e.completed}`, e);
    return true;
  }
  return false;
}

function draw() {
  document.getElementById("waiting")?.remove();
  for (const [name, g] of groups) {
    if (!g.state) continue;
    const section = groupSection(root, name);
    const rebalances = [...g.rebalances.values()];
    drawFacts(section, g.state);
    drawMembers(section, g.state);
    drawLanes(section, g.state);
    drawTimeline(section, rebalances);
    const since = g.history.since();
    drawChart(section.querySelector(".chart-lag"), g.history.lag, rebalances, "lag (records)", since);
    drawChart(section.querySelector(".chart-rate"), g.history.rate, rebalances, "records/s", since);
  }
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; draw(); });
}

function connect() {
  const source = new EventSource("/events");
  source.onopen = () => { connection.dataset.connected = "true"; connection.textContent = "live"; };
  source.onerror = () => { connection.dataset.connected = "false"; connection.textContent = "disconnected: reconnecting…"; };
  source.onmessage = m => {
    try {
      if (receive(JSON.parse(m.data))) schedule();
    } catch (err) {
      console.error("not an event", m.data, err);
    }
  };
}

fetch("/history").then(r => r.ok ? r.json() : []).catch(() => []).then(events => {
  for (const e of events) receive(e);
  schedule();
  connect();
});
