// Hearth dashboard: plain JavaScript, no build step. One WebSocket keeps everything live.
"use strict";

const $ = (id) => document.getElementById(id);
const session = "dash-" + Math.random().toString(36).slice(2, 10);
const S = {
  token: localStorage.getItem("hearth.token") || "",
  floors: [], areas: [], entities: new Map(), timers: [], automations: [], lists: [], health: null,
  traces: [], skew: 0, ws: null, retry: 500, seq: 0, page: "home",
};

// --- tiny DOM helper (text only: nothing from the server is parsed as HTML) -------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") Object.assign(el.style, v); // CSSOM: allowed by the page's CSP
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

function toast(text, bad) {
  const t = $("toast");
  t.textContent = text; t.className = "toast" + (bad ? " bad" : ""); t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

const fmtTime = (at) => at ? new Date(at * 1000).toLocaleTimeString() : "—";
const fmtWhen = (at) => at ? new Date(at * 1000).toLocaleString() : "never";

// --- HTTP -------------------------------------------------------------------------------------
async function api(method, path, body, raw) {
  const opts = { method, headers: { Authorization: "Bearer " + S.token } };
  if (body instanceof FormData) opts.body = body;
  else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
  const res = await fetch(path, opts);
  if (res.status === 401) { showLogin("That token was not accepted."); throw new Error("unauthorized"); }
  if (raw && res.ok) return res;
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) { const err = new Error(data.error || res.statusText); err.data = data; err.status = res.status; throw err; }
  return data;
}

// --- login and the live feed ------------------------------------------------------------------
function showLogin(message) {
  S.token = ""; localStorage.removeItem("hearth.token");
  if (S.ws) { S.ws.onclose = null; S.ws.close(); S.ws = null; }
  document.querySelectorAll(".page").forEach((p) => { p.hidden = true; });
  $("login").hidden = false; $("login-error").textContent = message || "";
  $("conn").textContent = "not connected"; $("conn").className = "conn off";
}

$("login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  S.token = $("token").value.trim();
  localStorage.setItem("hearth.token", S.token);
  $("login").hidden = true;
  connect();
});

function connect() {
  if (!S.token) { showLogin(); return; }
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/api/ws?token=${encodeURIComponent(S.token)}`);
  S.ws = ws;
  ws.onmessage = (ev) => { for (const m of JSON.parse(ev.data)) receive(m); };
  ws.onopen = () => { S.retry = 500; };
  ws.onclose = (ev) => {
    $("conn").textContent = "reconnecting…"; $("conn").className = "conn off";
    if (ev.code === 4401) { showLogin("That token was not accepted."); return; }
    setTimeout(connect, S.retry); S.retry = Math.min(S.retry * 2, 8000);
  };
}

function receive(m) {
  if (m.seq) S.seq = m.seq;
  switch (m.type) {
    case "snapshot":
      S.skew = m.now - Date.now() / 1000;
      setHome(m.home); S.timers = m.timers; S.automations = m.automations; S.lists = m.lists || [];
      if (m.health) S.health = { ...(S.health || {}), ...m.health };
      $("conn").textContent = "live"; $("conn").className = "conn on";
      route(); loadTraces(); return;
    case "home": setHome(m.home); renderHome(); renderScenes(); return;
    case "state": {
      S.entities.set(m.entity.id, m.entity);
      if (m.entity.domain === "scene") renderScenes(); else updateTile(m.entity);
      return;
    }
    case "trace": addTrace(m.trace); return;
    case "timers": S.timers = m.timers; renderTimers(); return;
    case "automations": S.automations = m.automations; renderAutomations(); return;
    case "lists": S.lists = m.lists; renderLists(); return;
    case "health": S.health = { ...(S.health || {}), ...m.health }; renderHealth(); return;
    case "error": showLogin("That token was not accepted."); return;
  }
}

function setHome(home) {
  S.floors = home.floors; S.areas = home.areas;
  S.entities = new Map(home.entities.map((e) => [e.id, e]));
}

// --- pages ------------------------------------------------------------------------------------
const PAGES = ["home", "talk", "activity", "routines", "timers", "local", "health"];
function route() {
  if (!S.token) return;
  const page = PAGES.includes(location.hash.slice(1)) ? location.hash.slice(1) : "home";
  S.page = page;
  for (const p of PAGES) $("page-" + p).hidden = p !== page;
  document.querySelectorAll("#nav a").forEach((a) => a.classList.toggle("active", a.hash === "#" + page));
  ({ home: renderHome, talk: renderTalk, activity: renderTraces, routines: () => { renderScenes(); renderAutomations(); },
     timers: () => { renderTimers(); renderLists(); }, local: loadLocal, health: loadHealth })[page]();
}
window.addEventListener("hashchange", route);

// --- Home: floors, areas, tiles ---------------------------------------------------------------
function renderHome() {
  const root = $("floors"); root.replaceChildren();
  const floors = [...S.floors, { id: null, name: "Elsewhere" }];
  for (const floor of floors) {
    const areas = S.areas.filter((a) => (a.floor || null) === floor.id);
    if (floor.id === null) areas.push({ id: null, name: "No area" });
    const blocks = areas.map((area) => {
      const ents = [...S.entities.values()].filter((e) => (e.area || null) === area.id);
      if (!ents.length) return null;
      return h("section", { class: "area", dataset: { area: area.id || "" } },
        h("h3", {}, area.name), h("div", { class: "tiles" }, ents.map(tile)));
    }).filter(Boolean);
    if (blocks.length) root.append(h("section", { class: "floor" }, h("h2", {}, floor.name), blocks));
  }
}

const ON_STATES = new Set(["on", "open", "playing", "cleaning", "heat", "cool", "auto", "unlocked"]);

function tile(e) {
  const el = h("article", { class: "tile", dataset: { entityId: e.id, domain: e.domain } });
  fillTile(el, e);
  return el;
}

function updateTile(e) {
  const el = document.querySelector(`.tile[data-entity-id="${CSS.escape(e.id)}"]`);
  if (el) fillTile(el, e); else if (S.page === "home") renderHome();
}

function fillTile(el, e) {
  el.dataset.state = e.state;
  el.classList.toggle("on", ON_STATES.has(e.state));
  el.classList.toggle("unavailable", e.attributes.available === false);
  const head = h("div", { class: "tile-head" }, h("span", { class: "name" }, e.name),
    h("span", { class: "state" }, stateLabel(e)));
  el.replaceChildren(head, ...controls(e));
}

function stateLabel(e) {
  const a = e.attributes;
  if (e.domain === "scene") return "scene";
  if (e.domain === "sensor") return `${e.state}${a.unit_of_measurement ? " " + a.unit_of_measurement : ""}`;
  if (e.domain === "binary_sensor") {
    const open = e.state === "on";
    return ["door", "window", "opening", "garage_door"].includes(e.device_class) ? (open ? "open" : "closed") : (open ? "detected" : "clear");
  }
  if (e.domain === "light" && e.state === "on" && a.brightness !== undefined) return `on · ${Math.round(a.brightness * 100 / 254)}%`;
  if (e.domain === "cover" && a.current_position !== undefined) return `${e.state} · ${a.current_position}%`;
  if (e.domain === "climate") return `${e.state} · ${a.current_temperature ?? "?"}°`;
  if (e.domain === "media_player") return `${e.state}${a.media_track ? " · " + a.media_track : ""}`;
  return e.state;
}

function act(e, action, value, el) {
  const tileEl = el && el.closest(".tile");
  if (tileEl) tileEl.classList.add("busy");
  return api("POST", `/api/entities/${encodeURIComponent(e.id)}/action`, { action, value, session })
    .then(handleOutcome).catch((err) => toast(err.message, true))
    .finally(() => tileEl && tileEl.classList.remove("busy"));
}

function handleOutcome(o) {
  for (const [id, st] of Object.entries(o.states || {})) {
    const e = S.entities.get(id);
    if (e) updateTile({ ...e, state: st.state, attributes: st.attributes });
  }
  if (o.needs_confirmation) askConfirm(o.response);
  else if (!o.ok) toast(o.response, true);
  return o;
}

let confirmSession = session;  // a question from a sentence is answered in that sentence's conversation
function askConfirm(question, asker = session) {
  confirmSession = asker;
  $("confirm-text").textContent = question; $("confirm").hidden = false;
}
async function answer(intent) {
  $("confirm").hidden = true;
  try { const o = await api("POST", "/api/command", { intent, session: confirmSession }); handleOutcome(o); toast(o.response); }
  catch (err) { toast(err.message, true); }
}
$("confirm-yes").addEventListener("click", () => answer("HearthConfirm"));
$("confirm-no").addEventListener("click", () => answer("HearthDeny"));

function toggleButton(e, onAction, offAction, isOn) {
  return h("button", { class: "toggle", role: "switch", "aria-checked": String(isOn), "aria-label": `${e.name} on/off`,
    onclick: (ev) => act(e, isOn ? offAction : onAction, undefined, ev.target) }, h("span"));
}

function slider(e, action, label, value, min, max, step) {
  return h("label", { class: "slider" }, h("span", {}, label),
    h("input", { type: "range", min, max, step: step || 1, value, "aria-label": `${e.name} ${label}`,
      onchange: (ev) => act(e, action, Number(ev.target.value), ev.target) }));
}

function button(e, action, text, value) {
  return h("button", { dataset: { action }, onclick: (ev) => act(e, action, value, ev.target) }, text);
}

function xyToHex(xy) {
  if (!xy) return "#ffffff";
  const [x, y] = xy, z = 1 - x - y, Y = 1, X = (Y / y) * x, Z = (Y / y) * z;
  let rgb = [X * 1.656492 - Y * 0.354851 - Z * 0.255038, -X * 0.707196 + Y * 1.655397 + Z * 0.036152,
    X * 0.051713 - Y * 0.121364 + Z * 1.01153];
  const m = Math.max(...rgb, 1e-6);
  rgb = rgb.map((c) => { c = Math.max(0, c / m); return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055; });
  return "#" + rgb.map((c) => Math.round(Math.min(1, c) * 255).toString(16).padStart(2, "0")).join("");
}

function controls(e) {
  const a = e.attributes, on = e.state === "on";
  switch (e.domain) {
    case "light": {
      const modes = a.supported_color_modes || ["brightness"];
      const out = [toggleButton(e, "turn_on", "turn_off", on)];
      out.push(slider(e, "brightness", "Brightness", on ? Math.max(1, Math.round((a.brightness ?? 254) * 100 / 254)) : 1, 1, 100));
      if (modes.includes("color_temp")) out.push(slider(e, "color_temp", "Warm–cool", a.color_temp_kelvin || 3000, 2000, 6500, 100));
      if (modes.some((m) => ["xy", "hs", "rgb"].includes(m))) {
        out.push(h("label", { class: "slider" }, h("span", {}, "Colour"), h("input", { type: "color", value: xyToHex(a.xy_color),
          "aria-label": `${e.name} colour`, onchange: (ev) => act(e, "color", ev.target.value, ev.target) })));
      }
      return out;
    }
    case "switch": return [toggleButton(e, "turn_on", "turn_off", on)];
    case "fan": return [toggleButton(e, "turn_on", "turn_off", on), slider(e, "percentage", "Speed", a.percentage || 0, 0, 100)];
    case "climate": {
      const t = Number(a.temperature ?? 20);
      return [h("div", { class: "setpoint" },
        h("button", { "aria-label": "colder", onclick: (ev) => act(e, "temperature", t - 0.5, ev.target) }, "−"),
        h("span", { class: "target" }, `${t}°`),
        h("button", { "aria-label": "warmer", onclick: (ev) => act(e, "temperature", t + 0.5, ev.target) }, "+"))];
    }
    case "cover": return [h("div", { class: "buttons" }, button(e, "open", "Open"), button(e, "close", "Close")),
      slider(e, "position", "Position", a.current_position ?? 0, 0, 100)];
    case "lock": return [h("div", { class: "buttons" },
      e.state === "locked" ? button(e, "unlock", "Unlock") : button(e, "lock", "Lock"))];
    case "media_player": return [h("div", { class: "buttons" }, button(e, "previous", "«"),
      e.state === "playing" ? button(e, "pause", "Pause") : button(e, "play", "Play"), button(e, "next", "»"),
      a.is_volume_muted ? button(e, "unmute", "Unmute") : button(e, "mute", "Mute")),
      slider(e, "volume", "Volume", Math.round((a.volume_level ?? 0) * 100), 0, 100)];
    case "vacuum": return [h("div", { class: "buttons" }, button(e, "start", "Start"), button(e, "dock", "Dock"))];
    case "scene": return [h("div", { class: "buttons" }, h("button", { onclick: () => activateScene(e) }, "Activate"))];
    default: return [];
  }
}

// --- Talk -------------------------------------------------------------------------------------
$("say-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const text = $("say-text").value.trim();
  if (!text) return;
  $("say-text").value = "";
  const item = h("li", { class: "turn" }, h("p", { class: "you" }, text), h("p", { class: "hearth muted" }, "…"));
  $("dialogue").prepend(item);
  const body = { text, session, ...(conversation ? { conversation_id: conversation } : {}),
                 ...($("say-area").value ? { area: $("say-area").value } : {}) };
  try { const trace = await api("POST", "/api/say", body); conversation = trace.conversation_id; showReply(item, trace); }
  catch (err) { conversation = null; item.lastChild.textContent = err.message; item.lastChild.className = "hearth error"; }
  loadLearned();
});

// One conversation per tab: its id comes back with each reply and goes out with the next sentence.
let conversation = null;

function renderTalk() {
  const select = $("say-area"), chosen = select.value;
  select.replaceChildren(h("option", { value: "" }, "room: the home's default"),
    ...S.areas.map((a) => h("option", { value: a.name }, "room: " + a.name)));
  select.value = chosen;
  loadLearned();
}

async function loadLearned() {
  let items = [];
  try { items = await api("GET", "/api/learned"); } catch (err) { return; }
  const name = (id) => (S.entities.get(id) || { name: id }).name;
  $("learned").replaceChildren(...(items.length ? items.map((i) => h("li", {},
    h("b", {}, `“${i.phrase}”`), ` → ${name(i.target)} `,
    h("span", { class: "muted" }, `(${i.kind}, learned ${fmtTime(i.at)} via ${i.where}) `),
    h("button", { onclick: () => api("DELETE", `/api/learned/${encodeURIComponent(i.id)}`).then(loadLearned)
      .catch((err) => toast(err.message, true)) }, "Remove"))) : [h("li", { class: "muted" }, "Nothing yet.")]));
}

function showReply(item, trace) {
  const reply = h("p", { class: "hearth" + (trace.outcome && trace.outcome.ok === false ? " failed" : "") },
    trace.response || "(no reply)", " ",
    h("button", { class: "play", title: "Play the reply", onclick: () => play(trace.response) }, "▶"));
  item.lastChild.replaceWith(reply);
  item.append(h("div", { class: "mini" }, intentSummary(trace), timingBar(trace.timings_ms || {})));
  const pending = trace.outcome && (trace.outcome.steps || []).find((s) => s.needs_confirmation);
  if (pending) askConfirm(pending.response, trace.conversation_id || session);
}

async function play(text) {
  if (!text) return;
  try {
    const res = await api("POST", "/api/speak", { text: text.slice(0, 500) }, true);
    const url = URL.createObjectURL(await res.blob());
    const audio = new Audio(url); audio.onended = () => URL.revokeObjectURL(url); await audio.play();
  } catch (err) { toast("Cannot play the reply: " + err.message, true); }
}

// Recording: raw PCM from the microphone, encoded as a 16-bit WAV in the browser (no codecs needed).
let rec = null;
$("record").addEventListener("click", async () => {
  if (rec) { stopRecording(); return; }
  if (!navigator.mediaDevices || !window.isSecureContext) {
    $("record-note").textContent = "Recording needs a secure page: open the dashboard on localhost or over HTTPS.";
    return;
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true } });
    const ctx = new AudioContext();
    const src = ctx.createMediaStreamSource(stream), proc = ctx.createScriptProcessor(4096, 1, 1);
    const chunks = [];
    proc.onaudioprocess = (ev) => chunks.push(new Float32Array(ev.inputBuffer.getChannelData(0)));
    src.connect(proc); proc.connect(ctx.destination);
    rec = { stream, ctx, proc, chunks };
    $("record").textContent = "■ Stop"; $("record").classList.add("recording");
    $("record-note").textContent = "Listening… press Stop when you are done.";
  } catch (err) { $("record-note").textContent = "No microphone: " + err.message; }
});

async function stopRecording() {
  const { stream, ctx, proc, chunks } = rec; rec = null;
  proc.disconnect(); stream.getTracks().forEach((t) => t.stop());
  $("record").textContent = "● Record"; $("record").classList.remove("recording");
  const wav = encodeWav(chunks, ctx.sampleRate); await ctx.close();
  $("record-note").textContent = `Sending ${(wav.size / 1024).toFixed(0)} KB…`;
  const form = new FormData(); form.append("audio", wav, "command.wav");
  const item = h("li", { class: "turn" }, h("p", { class: "you muted" }, "(recording)"), h("p", { class: "hearth muted" }, "…"));
  $("dialogue").prepend(item);
  try {
    const out = await api("POST", `/api/listen?session=${session}`, form);
    $("record-note").textContent = "";
    if (!out.traces.length) { item.lastChild.textContent = "I didn't hear a command."; return; }
    out.traces.forEach((t, i) => {
      const turn = i === 0 ? item : h("li", { class: "turn" }, h("p", { class: "you" }), h("p", { class: "hearth" }));
      turn.firstChild.textContent = "(voice) " + t.transcript; turn.firstChild.className = "you";
      if (i) $("dialogue").prepend(turn);
      showReply(turn, t);
    });
  } catch (err) { item.lastChild.textContent = err.message; item.lastChild.className = "hearth error"; $("record-note").textContent = ""; }
}

function encodeWav(chunks, rate) {
  const n = chunks.reduce((s, c) => s + c.length, 0), buf = new ArrayBuffer(44 + n * 2), v = new DataView(buf);
  const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
  str(0, "RIFF"); v.setUint32(4, 36 + n * 2, true); str(8, "WAVE"); str(12, "fmt "); v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true); v.setUint16(34, 16, true); str(36, "data"); v.setUint32(40, n * 2, true);
  let o = 44;
  for (const c of chunks) for (const s of c) { v.setInt16(o, Math.max(-1, Math.min(1, s)) * 32767, true); o += 2; }
  return new Blob([buf], { type: "audio/wav" });
}

// --- Activity: traces as timelines ------------------------------------------------------------
const STAGES = ["wake", "received", "speech_end", "endpoint", "transcript", "intents", "executed", "first_audio", "spoken"];

function intentSummary(t) {
  return h("ul", { class: "intents" }, (t.intents || []).map((i) => h("li", {},
    h("b", {}, i.intent), " ", Object.entries(i.slots || {}).map(([k, v]) => `${k}=${v}`).join(", "),
    i.confidence !== undefined ? h("span", { class: "conf" }, ` ${(i.confidence * 100).toFixed(0)}%`) : null)));
}

function timingBar(timings) {
  const entries = Object.entries(timings).filter(([k]) => k !== "received" && k !== "speech_end");
  const max = Math.max(1, ...entries.map(([, v]) => v));
  return h("ol", { class: "timeline" }, entries.map(([k, v]) => h("li", {},
    h("span", { class: "stage" }, k.replace("_", " ")),
    h("span", { class: "bar" }, h("i", { style: { width: `${Math.max(2, (100 * v) / max).toFixed(1)}%` } })),
    h("span", { class: "ms" }, `${Math.round(v)} ms`))));
}

function traceItem(t) {
  const o = t.outcome || {};
  const steps = (o.steps || []).map((s) => h("li", { class: s.ok ? "ok" : "bad" }, h("b", {}, s.intent), ": ", s.response,
    (s.mqtt || []).length ? h("ul", { class: "mqtt" }, s.mqtt.map((m) => h("li", {}, h("code", {}, m.topic), " ", h("code", {}, JSON.stringify(m.payload))))) : null));
  const wake = t.wake ? h("p", { class: "muted" }, `wake word “${t.wake.word}” ${Math.round(-t.wake.at_ms)} ms before the end of speech`) : null;
  return h("li", { class: "trace " + (o.ok === false ? "failed" : "ok"), dataset: { traceId: t.id, source: t.source } },
    h("details", {}, h("summary", {}, h("span", { class: "when" }, fmtTime(t.at)), h("span", { class: "badge" }, t.source),
      h("span", { class: "said" }, t.transcript || "(nothing)"), h("span", { class: "reply" }, "→ " + (t.response || ""))),
    h("div", { class: "detail" }, wake, t.context ? h("p", { class: "muted context" }, "context: " + JSON.stringify(t.context)) : null, intentSummary(t), h("ul", { class: "steps" }, steps), timingBar(t.timings_ms || {}))));
}

function traceMatches(t) {
  const src = $("trace-source").value, q = $("trace-q").value.trim().toLowerCase();
  return (!src || t.source === src) && (!q || JSON.stringify(t).toLowerCase().includes(q));
}

async function loadTraces() {
  const params = new URLSearchParams({ limit: "100" });
  if ($("trace-source").value) params.set("source", $("trace-source").value);
  if ($("trace-q").value.trim()) params.set("q", $("trace-q").value.trim());
  try { S.traces = await api("GET", "/api/traces?" + params); renderTraces(); } catch (err) { /* shown by api() */ }
}
$("trace-source").addEventListener("change", loadTraces);
$("trace-q").addEventListener("input", () => { clearTimeout(loadTraces.t); loadTraces.t = setTimeout(loadTraces, 250); });
$("trace-filter").addEventListener("submit", (ev) => ev.preventDefault());

function addTrace(t) {
  if (!traceMatches(t)) return;
  S.traces.unshift(t); S.traces.length = Math.min(S.traces.length, 200);
  $("traces").prepend(traceItem(t));
}
function renderTraces() { $("traces").replaceChildren(...S.traces.map(traceItem)); }

// --- Scenes and automations -------------------------------------------------------------------
function renderScenes() {
  const scenes = [...S.entities.values()].filter((e) => e.domain === "scene");
  $("scenes").replaceChildren(...scenes.map((e) => h("article", { class: "card scene", dataset: { entityId: e.id } },
    h("h3", {}, e.name), h("p", { class: "muted" }, Object.keys(e.attributes.entities || {}).length + " devices"),
    h("button", { class: "primary", onclick: () => activateScene(e) }, "Activate"))));
  const sel = $("capture-area"), keep = sel.value;
  sel.replaceChildren(h("option", { value: "" }, "whole home"), ...S.areas.map((a) => h("option", { value: a.name }, a.name)));
  sel.value = keep;
}

async function activateScene(e) {
  try { const o = await api("POST", `/api/scenes/${encodeURIComponent(e.id.split(".")[1])}/activate?session=${session}`); handleOutcome(o); toast(o.response, !o.ok); }
  catch (err) { toast(err.message, true); }
}

$("capture-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try {
    const s = await api("POST", "/api/scenes", { name: $("capture-name").value, area: $("capture-area").value || null });
    toast(`Captured ${s.name}`); $("capture-name").value = "";
  } catch (err) { toast(err.message, true); }
});

function renderAutomations() {
  $("automations").replaceChildren(...S.automations.map((a) => h("tr", { dataset: { automationId: a.id } },
    h("td", {}, a.alias), h("td", { class: "small" }, a.triggers.join("; ")), h("td", {}, String(a.runs)),
    h("td", {}, fmtWhen(a.last_triggered)), h("td", { class: "error" }, a.last_error || ""),
    h("td", {}, h("button", { class: "toggle", role: "switch", "aria-checked": String(a.enabled), "aria-label": `${a.alias} enabled`,
      onclick: async () => {
        try { await api("PUT", `/api/automations/${encodeURIComponent(a.id)}`, { enabled: !a.enabled }); }
        catch (err) { toast(err.message, true); }
      } }, h("span"))))));
  if (!S.automations.length) $("automations").append(h("tr", {}, h("td", { colspan: "6", class: "muted" }, "No automations configured.")));
}

// --- Timers (live countdown, counted in the browser) and lists --------------------------------
function left(t) {
  if (t.state !== "running") return t.remaining ?? 0;
  return Math.max(0, t.due - (Date.now() / 1000 + S.skew));
}
function clock(s) {
  s = Math.ceil(s); const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  return (hh ? hh + ":" + String(mm).padStart(2, "0") : mm) + ":" + String(ss).padStart(2, "0");
}
function renderTimers() {
  $("timers").replaceChildren(...S.timers.map((t) => h("li", { class: "row", dataset: { timerId: t.id } },
    h("span", { class: "badge" }, t.kind), h("span", { class: "grow" }, t.name || t.label || (t.kind === "alarm" ? fmtWhen(t.due) : "timer")),
    h("span", { class: "countdown", dataset: { due: t.due } }, clock(left(t))), t.state === "paused" ? h("span", { class: "muted" }, "paused") : null,
    h("button", { onclick: () => api("DELETE", `/api/timers/${t.id}`).then(() => toast("Cancelled")).catch((err) => toast(err.message, true)) }, "Cancel"))));
  if (!S.timers.length) $("timers").append(h("li", { class: "muted" }, "No timers or alarms. Try “set a timer for 5 minutes”."));
}
setInterval(() => {
  if (S.page !== "timers") return;
  document.querySelectorAll("#timers .countdown").forEach((el) => {
    const t = S.timers.find((x) => x.id === el.parentElement.dataset.timerId);
    if (t) el.textContent = clock(left(t));
  });
}, 250);

function renderLists() {
  $("lists").replaceChildren(...S.lists.map((l) => h("article", { class: "card" }, h("h3", {}, l.name),
    h("ul", { class: "list" }, l.items.map((i) => h("li", { class: i.complete ? "done" : "" }, i.item))))));
  if (!S.lists.length) $("lists").append(h("p", { class: "muted" }, "No lists yet. Try “add milk to my shopping list”."));
}

// --- Files and programs -----------------------------------------------------------------------
async function loadLocal(folder) {
  try {
    const q = folder ? "?folder=" + encodeURIComponent(folder) : "";
    const [files, procs] = await Promise.all([api("GET", "/api/files" + q), api("GET", "/api/processes")]);
    $("files-where").textContent = files.folder ? "in " + files.folder : "";
    const up = files.folder ? [h("li", { class: "row" }, h("button", { onclick: () => loadLocal() }, "↑ back"))] : [];
    $("files").replaceChildren(...up, ...files.names.map((n) => h("li", { class: "row" },
      n.endsWith("/") ? h("button", { class: "link folder", onclick: () => loadLocal((files.folder ? files.folder + "/" : "") + n.slice(0, -1)) }, n)
        : h("button", { class: "link", onclick: () => readFile((files.folder ? files.folder + "/" : "") + n) }, n))));
    if (!files.names.length) $("files").append(h("li", { class: "muted" }, "Empty."));
    $("processes").replaceChildren(...procs.map((p) => h("li", { class: "row" },
      h("span", { class: "grow" }, p.name), h("span", { class: "badge" + (p.running ? " on" : "") }, p.running ? `running (pid ${p.pid})` : p.returncode !== null ? `exited ${p.returncode}` : "stopped"),
      h("button", { onclick: () => api("POST", `/api/processes/${encodeURIComponent(p.name)}/${p.running ? "stop" : "start"}?session=${session}`).then(handleOutcome).then(() => setTimeout(loadLocal, 300)).catch((err) => toast(err.message, true)) }, p.running ? "Stop" : "Start"))));
    if (!procs.length) $("processes").append(h("li", { class: "muted" }, "No programs are configured (processes: in hearth.yaml)."));
  } catch (err) { toast(err.message, true); }
}
async function readFile(name) {
  try { const f = await api("GET", "/api/files/read?name=" + encodeURIComponent(name)); $("file-view").textContent = `${f.name} (${f.lines} lines)\n\n${f.summary}`; $("file-view").hidden = false; }
  catch (err) { toast(err.message, true); }
}

// --- Health -----------------------------------------------------------------------------------
async function loadHealth() {
  try { S.health = await api("GET", "/api/health"); renderHealth(); } catch (err) { /* shown */ }
}
function renderHealth() {
  const x = S.health; if (!x) return;
  const m = x.models || {};
  const model = (v) => v && v.loaded ? `loaded on ${v.device || "cpu"}${v.mode ? " (" + v.mode + ")" : ""}${v.compute_type ? " (" + v.compute_type + ")" : ""}` : "not loaded yet (loads on first use)";
  const rows = [["Broker", `${x.broker.connected ? "connected" : "DISCONNECTED"} · ${x.broker.uri || ""}${x.broker.embedded ? " (embedded)" : ""}`],
    ["Intent model", model(m.resolver)], ["Speech-to-text", model(m.stt)], ["Text-to-speech", model(m.tts)],
    ["GPU", m.cuda_available === undefined ? "—" : m.cuda_available ? "available" : "none (CPU)"],
    ["Uptime", clock(x.uptime_s)], ["Entities", String(x.entities)], ["Open dashboards", String(x.dashboards)],
    ["Warnings and errors", String(x.error_count)], ["Version", x.version]];
  $("health").replaceChildren(...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", { class: k === "Broker" && !x.broker.connected ? "error" : "" }, v)]));
  if (x.errors) $("errors").replaceChildren(...x.errors.map((e) => h("li", { class: "row" }, h("span", { class: "badge" }, e.level),
    h("span", { class: "muted" }, fmtTime(e.at)), h("span", { class: "grow" }, `${e.logger}: ${e.message}`))));
  if (x.errors && !x.errors.length) $("errors").append(h("li", { class: "muted" }, "None."));
}

// --- start ------------------------------------------------------------------------------------
if (S.token) connect(); else showLogin();
