"use strict";
// Read-only: polls /status.json and draws it with textContent only (nothing from the service is parsed as HTML).
const $ = id => document.getElementById(id);
const time = t => t ? new Date(t).toLocaleTimeString() : "—";
function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined || text === "" ? "—" : String(text);
  if (cls) td.className = cls;
  return td;
}
function fill(body, items, draw, emptyText, columns) {
  body.replaceChildren();
  if (!items.length) {
    const td = body.insertRow().insertCell();
    td.colSpan = columns; td.className = "empty"; td.textContent = emptyText;
    return;
  }
  for (const item of items) draw(body.insertRow(), item);
}
function draw(s) {
  $("status").textContent = s.status;
  $("status").className = "badge " + s.status;
  $("role").hidden = s.role === "single";
  $("role").textContent = s.role;
  $("role").className = "badge " + s.role;
  $("updated").textContent = time(s.now);
  $("started").textContent = new Date(s.startedAt).toLocaleString();
  $("write-problem").hidden = !s.writeProblem;
  $("write-problem").textContent = s.writeProblem ? "The database cannot be written: " + s.writeProblem : "";
  fill($("nodes"), s.nodes, (r, n) => {
    r.dataset.testid = "node";
    const st = cell(r, n.name);
    const badge = document.createElement("span");
    badge.className = "badge " + (n.connected ? "ok" : "bad");
    badge.textContent = n.state;
    r.insertCell().append(badge);
    cell(r, time(n.since)); cell(r, n.connections); cell(r, n.events); cell(r, n.lastError, "muted");
  }, "no node", 6);
  const lanes = [];
  for (const o of s.outbox) for (const l of o.lanes) lanes.push({ portal: o.portal, ...l });
  fill($("outbox"), lanes, (r, l) => {
    r.dataset.testid = "lane-" + l.portal + "-" + l.lane;
    cell(r, l.portal); cell(r, l.lane); cell(r, l.waiting);
    cell(r, l.oldest ? `${l.oldest.command} of call ${l.oldest.call}, ${l.oldest.ageSeconds} s old, ${l.oldest.attempts} attempt(s)`
      + (l.oldest.lastError ? ": " + l.oldest.lastError : "") : "", l.oldest && l.oldest.lastError ? "advice" : "muted");
  }, "", 4);
  fill($("calls"), s.calls, (r, c) => {
    r.dataset.testid = "call";
    r.dataset.call = c.call;
    const where = [c.portal, c.node].filter(Boolean).join(", ");
    cell(r, c.call.slice(0, 8) + "…" + (where ? " (" + where + ")" : ""));
    cell(r, c.client); cell(r, c.line); cell(r, time(c.startedAt));
    cell(r, c.ringing.join(", ")); cell(r, c.cardsShownTo.join(", ")).dataset.testid = "cards"; cell(r, c.talking);
  }, "no call right now", 7);
  fill($("errors"), s.errors, (r, e) => {
    r.dataset.testid = "error";
    cell(r, time(e.at)); cell(r, e.portal); cell(r, e.command + (e.gaveUp ? " (given up)" : " (will retry)"));
    cell(r, e.error); cell(r, e.advice, "advice").dataset.testid = "advice";
  }, "none since the service started", 5);
}
async function poll() {
  try {
    const response = await fetch("status.json", { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Error(response.status);
    draw(await response.json());
    $("offline").hidden = true;
  } catch {
    $("offline").hidden = false;
  }
  setTimeout(poll, 1000);
}
poll();
