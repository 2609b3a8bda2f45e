// The door screen, a kiosk for security: the door is chosen once per device; a handheld scanner types the pass and
// Enter into the scan field, which gets the focus back after every tap and every answer; one toggle says In or Out;
// the answer fills the screen with its own sound. When the server cannot be reached the screen decides on its own
// (door-offline.js) on the door feed it refreshes every minute, and queues those checks until the server is back.
(function () {
  "use strict";
  const root = document.getElementById("door");
  if (!root) return;
  const off = window.dcopsDoorOffline;
  const texts = JSON.parse(root.dataset.texts || "{}");
  const t = (key, params) => off.fill(texts[key] || key, params || {});
  const $ = (id) => document.getElementById(id);
  const form = $("door-form"), code = $("code"), room = $("room_id"), toggle = $("direction");
  const direction = $("direction-value"), carry = $("carry"), tags = $("asset_tags"), result = $("result");
  const choice = $("door-choice"), doorName = $("door-name"), changeDoor = $("change-door");
  const status = $("door-status"), soundButton = $("sound"), camera = $("camera"), video = $("video");
  const leave = $("leave"), dialog = $("leave-dialog"), leaveQueue = $("leave-queue");
  const ROOM_KEY = "dcops.door.room", MUTE_KEY = "dcops.door.muted";
  const RESET_MS = 10000, CHECK_TIMEOUT_MS = 5000, RETRY_MS = 15000;
  const notChosen = doorName.textContent;
  const state = { feed: null, keys: new Map(), online: navigator.onLine, signedOut: false, queued: 0, refused: 0 };

  // --- the door, chosen once per device ---------------------------------------------------------------------
  function pickDoor(id) {
    const button = Array.from(choice.querySelectorAll("button[data-room]")).find((b) => b.dataset.room === id);
    if (!button) return false;
    room.value = id;
    localStorage.setItem(ROOM_KEY, id);
    doorName.textContent = button.dataset.label;
    choice.hidden = true;
    changeDoor.hidden = false;
    code.disabled = toggle.disabled = camera.disabled = false;
    root.classList.add("chosen");
    idle();
    focusScan();
    return true;
  }
  function chooseAgain() {
    room.value = "";
    doorName.textContent = notChosen;
    choice.hidden = false;
    changeDoor.hidden = true;
    code.disabled = toggle.disabled = camera.disabled = true;
    root.classList.remove("chosen");
  }
  choice.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("button[data-room]");
    if (button) pickDoor(button.dataset.room);
  });
  changeDoor.addEventListener("click", chooseAgain);
  if (!pickDoor(localStorage.getItem(ROOM_KEY) || "")) chooseAgain();

  // A scan before the door is chosen is not lost silently: the scanner's keystrokes and Enter say so.
  let early = "";
  document.addEventListener("keydown", (event) => {
    if (room.value || dialog.open) return;
    if (event.key === "Enter") {
      if (early.trim()) {
        event.preventDefault();
        early = "";
        notice(t("choose_door"));
        sound("deny");
      }
      return;
    }
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) early += event.key;
  }, true);

  // --- In or Out: one toggle ----------------------------------------------------------------------------------
  function setMode(mode) {
    direction.value = mode;
    toggle.dataset.mode = mode;
    toggle.classList.toggle("in", mode === "in");
    toggle.classList.toggle("out", mode === "out");
    toggle.textContent = t(mode === "out" ? "mode_out" : "mode_in");
    carry.hidden = mode !== "out";
    if (mode === "in") tags.value = "";
  }
  toggle.addEventListener("click", () => setMode(direction.value === "out" ? "in" : "out"));
  setMode("in");

  // --- focus: back on the scan field after every tap and every answer ------------------------------------------
  function focusScan() {
    if (!code.disabled && !dialog.open) code.focus({ preventScroll: true });
  }
  const typing = (el) => el && el.closest("textarea, input:not([type=hidden]), select, dialog");
  // A tap on a button does not take the focus from the scan field at all (a scanner typing meanwhile loses nothing);
  // any other tap gives it back.
  document.addEventListener("mousedown", (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (!dialog.open && el && el.closest("button") && !typing(el)) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const el = event.target instanceof Element ? event.target : null;
    if (dialog.open || typing(el)) return;
    focusScan();
    // once more after the browser's own focus handling; never away from a field the officer went to meanwhile
    setTimeout(() => { if (!typing(document.activeElement) || document.activeElement === code) focusScan(); }, 0);
  });
  setInterval(() => {
    const active = document.activeElement;
    if (!active || active === document.body || active.tagName === "BUTTON") focusScan();
  }, 400);
  // A pass scanned while the asset tags field has the focus goes where it belongs.
  tags.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const lines = tags.value.split("\n");
    const last = lines[lines.length - 1];
    if (!last.trim().startsWith("DC1:")) return;
    event.preventDefault();
    tags.value = lines.slice(0, -1).join("\n");
    code.value = last.trim();
    submitScan();
  });

  // --- sound: WebAudio tones, no audio files ---------------------------------------------------------------------
  let audio = null;
  let muted = localStorage.getItem(MUTE_KEY) === "1";
  function showSound() {
    soundButton.textContent = muted ? t("sound_off") : t("sound_on");
    soundButton.classList.toggle("muted", muted);
  }
  soundButton.addEventListener("click", () => {
    muted = !muted;
    localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
    showSound();
  });
  showSound();
  function sound(kind) {
    result.dataset.sound = muted ? "muted" : kind;
    if (muted) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      // Allow: two short rising notes. Deny: two long low buzzes.
      const notes = kind === "allow"
        ? [["sine", 660, 0, 0.12], ["sine", 990, 0.14, 0.22]]
        : [["square", 220, 0, 0.3], ["square", 185, 0.38, 0.3]];
      const start = audio.currentTime + 0.01;
      for (const [type, frequency, at, length] of notes) {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.type = type;
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start + at);
        gain.gain.exponentialRampToValueAtTime(0.25, start + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
        osc.connect(gain).connect(audio.destination);
        osc.start(start + at);
        osc.stop(start + at + length + 0.02);
      }
    } catch (err) {
      // No audio on this device: the screen still shows the answer.
    }
  }

  // --- answers ------------------------------------------------------------------------------------------------
  let resetTimer = null;
  function idle() {
    const p = document.createElement("p");
    p.className = "door-idle";
    p.textContent = t("ready");
    result.replaceChildren(p);
  }
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function notice(message) {
    const box = el("div", "door-result notice");
    box.setAttribute("role", "alert");
    box.dataset.decision = "none";
    box.append(el("div", "verdict", t("not_checked")), el("p", "door-message", message));
    result.replaceChildren(box);
    later();
  }
  function later() {
    clearTimeout(resetTimer);
    resetTimer = setTimeout(idle, RESET_MS);
  }
  function reasonsList(reasons) {
    const ul = el("ul", "reasons");
    for (const r of reasons) {
      const li = el("li");
      li.append(el("span", "rule", t("rule", { article: r.article, rule: r.rule })), " — " + r.message);
      if (r.instruction) li.append(el("br"), el("strong", "instruction", "→ " + r.instruction));
      ul.append(li);
    }
    return ul;
  }
  // The offline answer, laid out as the server's (access/_door_result.html), marked with the feed it was decided on.
  function offlineAnswer(d, scan) {
    const out = scan.direction === "out";
    const box = el("div", "door-result " + (d.allowed ? "allow" : "deny"));
    box.setAttribute("role", "alert");
    Object.assign(box.dataset, {
      decision: d.allowed ? "allow" : "deny", direction: scan.direction, passed: String(d.passed), offline: "true",
    });
    box.append(el("p", "door-offline", t("offline_answer", { time: state.feed.time })));
    box.append(el("div", "verdict", (d.allowed ? t("allow") : t("deny")) + (out ? " · " + t("out") : "")));
    if (out && d.passed) box.append(el("p", "exit", d.allowed ? t("exit") : t("exit_refused")));
    if (d.holder) {
      const { visit, person } = d.holder;
      const company = person.company || visit.customer;
      box.append(el("div", "who-name", person.name));
      box.append(el("div", "who-org", company + (company !== visit.customer
        ? " · " + t("for_customer", { customer: visit.customer }) : "")));
      const dl = el("dl", "door-facts");
      dl.append(el("dt", null, t("visit")), el("dd", null, "#" + visit.id + " " + visit.purpose),
        el("dt", null, t("window")), el("dd", null, visit.window));
      box.append(dl);
      if (visit.escort_required) box.append(el("p", "escort", t("escort")));
      if (visit.a7_override) box.append(el("p", "override", t("override", { reason: visit.a7_override })));
    }
    const plain = d.reasons.filter((r) => !d.carry.some((c) => c.reasons.includes(r)));
    if (plain.length) box.append(reasonsList(plain));
    if (d.carry.length) {
      const table = el("table", "carry");
      const head = el("tr");
      head.append(el("th", null, t("asset_tag")), el("th", null, t("carry_out")), el("th", null, t("why")));
      table.append(el("thead"), el("tbody"));
      table.tHead.append(head);
      for (const c of d.carry) {
        const row = el("tr");
        const badge = el("td");
        badge.append(el("span", "badge fails", t("refused")));
        const why = el("td");
        why.append(reasonsList(c.reasons));
        row.append(el("td", null, c.asset_tag), badge, why);
        table.tBodies[0].append(row);
      }
      box.append(table);
    }
    box.append(el("p", "door-meta", t("offline_check", { time: off.clockTime(state.feed, scan.at, true) })));
    return box;
  }

  // --- a scan ---------------------------------------------------------------------------------------------------
  function csrf() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const field = form.querySelector("input[name=_csrf_token]");
    return field ? field.value : "";
  }
  const tagList = () => tags.value.split(/[\s,;]+/).filter(Boolean).map((x) => x.slice(0, 50));
  // Scans are checked one at a time, in the order they came; each takes the door, direction and tags of its moment.
  const waiting = [];
  let busy = false;
  let answers = 0;
  function submitScan() {
    if (!room.value) { notice(t("choose_door")); sound("deny"); return; }
    const text = code.value;
    if (!text.trim()) return;
    code.value = "";
    waiting.push({
      code: text, roomId: Number(room.value), direction: direction.value, assetTags: tagList(), tagsText: tags.value,
      at: new Date(),
      // One id for the scan, online and offline: a check the server recorded after the screen gave up waiting and
      // decided offline is not recorded a second time when the queue is sent.
      id: crypto.randomUUID(),
    });
    if (!busy) next();
  }
  async function next() {
    const scan = waiting.shift();
    if (!scan) return;
    busy = true;
    result.replaceChildren(el("p", "door-idle", t("checking")));
    try {
      let answered = false;
      if (navigator.onLine !== false) {
        const reachable = state.queued === 0 || (await flush());
        if (reachable) answered = await checkOnline(scan);
      }
      if (!answered) await checkOffline(scan);
    } catch (err) {
      notice(String(err && err.message ? err.message : err));
      sound("deny");
    } finally {
      busy = false;
      if (scan.direction === "out") setMode("in");
      result.dataset.answers = String(++answers);
      later();
      focusScan();
      next();
    }
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); submitScan(); });
  code.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); submitScan(); }
  });

  // The server's answer, or false when it cannot be reached (then the screen decides on its own).
  async function checkOnline(scan) {
    const body = new URLSearchParams({
      _csrf_token: csrf(), room_id: room.value, direction: scan.direction, code: scan.code, asset_tags: scan.tagsText,
      client_id: scan.id,
    });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), CHECK_TIMEOUT_MS);
    let response;
    try {
      response = await fetch("/door/check", {
        method: "POST", body, credentials: "same-origin", signal: abort.signal,
        headers: { "HX-Request": "true", "x-csrftoken": csrf() },
      });
    } catch (err) {
      setOnline(false);
      return false;
    } finally {
      clearTimeout(timer);
    }
    if (response.status >= 500) { setOnline(false); return false; }
    if (signedOut(response)) {
      notice(t("status_signed_out"));
      sound("deny");
      return true;
    }
    setOnline(true);
    if (!response.ok) { // refused before it was checked (what was scanned cannot be read as text): not a check
      notice(t("server_error", { problem: response.status }));
      sound("deny");
      return true;
    }
    const html = await response.text();
    result.innerHTML = html; // the server's own answer page fragment (its templates escape what they show)
    const answer = result.querySelector(".door-result");
    if (!answer) { notice(t("server_error", { problem: response.status })); sound("deny"); return true; }
    if (answer.dataset.passed === "true" && answer.dataset.person) {
      await off.store.addPassage({
        id: crypto.randomUUID(), person: Number(answer.dataset.person), direction: scan.direction,
        at: scan.at.toISOString(),
      });
    }
    sound(answer.dataset.decision === "allow" ? "allow" : "deny");
    return true;
  }

  async function checkOffline(scan) {
    setOnline(false);
    if (!state.feed) { notice(t("no_feed")); sound("deny"); return; }
    let read;
    try {
      read = await off.readPass(scan.code, state.keys);
    } catch (err) {
      read = err instanceof off.Unreadable ? err : new off.Unreadable("p1_unreadable");
    }
    const decided = off.decide(state.feed, texts, read, scan, await off.store.passages());
    result.replaceChildren(offlineAnswer(decided, scan));
    sound(decided.allowed ? "allow" : "deny");
    const plain = scan.code.length <= off.MAX_TEXT && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(scan.code);
    const check = {
      id: scan.id,
      code: plain ? scan.code : null,
      scanned_sha256: await off.sha256hex(scan.code),
      scanned_length: new TextEncoder().encode(scan.code).length,
      room_id: scan.roomId,
      direction: scan.direction,
      asset_tags: scan.assetTags,
      decision: decided.allowed ? "allow" : "deny",
      reasons: decided.reasons,
      decided_at: scan.at.toISOString(),
      feed_at: state.feed.generated_at,
    };
    await off.store.enqueue(check);
    if (decided.passed) {
      await off.store.addPassage({ id: check.id, person: decided.holder.person.id, direction: scan.direction, at: check.decided_at });
    }
    state.queued = (await off.store.queue()).length;
    showStatus();
  }

  // --- the feed, the queue, the connection ------------------------------------------------------------------------
  function signedOut(response) {
    const login = response.redirected && new URL(response.url).pathname === "/login";
    if (login || response.status === 401 || response.status === 403) {
      state.signedOut = true;
      showStatus();
      return true;
    }
    return false;
  }
  function setOnline(online) {
    state.online = online;
    if (online) state.signedOut = false;
    showStatus();
  }
  function showStatus() {
    let text;
    if (state.signedOut) text = t("status_signed_out");
    else if (state.online) text = t("status_online");
    else text = state.feed ? t("status_offline", { time: state.feed.time }) : t("status_offline_nofeed");
    if (state.queued) text += " · " + t("queued", { n: state.queued });
    if (state.refused) text += " · " + t("refused_by_server", { n: state.refused });
    status.textContent = text;
    status.classList.toggle("offline", !state.online || state.signedOut);
    document.documentElement.dataset.doorQueue = String(state.queued);
  }

  async function useFeed(feed) {
    state.keys = await off.importKeys(feed, new Date());
    state.feed = feed;
    document.documentElement.dataset.doorFeed = feed.generated_at;
    ready();
  }
  async function refreshFeed() {
    let response;
    try {
      response = await fetch("/door/feed", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
    } catch (err) {
      setOnline(false);
      return false;
    }
    if (response.status >= 500) { setOnline(false); return false; }
    if (signedOut(response) || !response.ok) return false;
    let feed;
    try {
      feed = await response.json();
    } catch (err) {
      return false;
    }
    if (!feed || feed.version !== 1) return false;
    await useFeed(feed);
    await off.store.put("feed", feed);
    await off.store.prunePassages(new Date(new Date(feed.generated_at).getTime() - 10 * 60 * 1000));
    setOnline(true);
    return true;
  }

  let flushing = null;
  function flush() {
    flushing = flushing || sendQueued().finally(() => { flushing = null; });
    return flushing;
  }
  // The checks made offline, oldest first: each once (the server knows them by their id); false: not now.
  async function sendQueued() {
    const queue = (await off.store.queue()).sort((a, b) => a.decided_at.localeCompare(b.decided_at));
    for (const check of queue) {
      let response;
      try {
        response = await fetch("/door/offline", {
          method: "POST", credentials: "same-origin", body: JSON.stringify(check),
          headers: { "Content-Type": "application/json", Accept: "application/json", "x-csrftoken": csrf() },
        });
      } catch (err) {
        setOnline(false);
        return false;
      }
      if (response.status >= 500) { setOnline(false); return false; }
      if (signedOut(response)) return false;
      if (!response.ok) { // the server refuses it (4xx): it cannot become a check; say so, do not retry forever
        state.refused += 1;
        await off.store.put("refused", state.refused);
      }
      await off.store.dequeue(check.id);
      state.queued = Math.max(0, state.queued - 1);
      setOnline(true);
    }
    state.queued = (await off.store.queue()).length;
    showStatus();
    return true;
  }

  async function sync() {
    if ((await flush()) !== false) await refreshFeed();
  }
  status.addEventListener("click", sync);
  window.addEventListener("online", sync);
  window.addEventListener("offline", () => setOnline(false));
  setInterval(() => { if (state.online && !state.signedOut) sync(); }, (state.feed && state.feed.refresh_seconds || 60) * 1000);
  setInterval(() => { if (!state.online) sync(); }, RETRY_MS);

  // --- the service worker keeps the page and its scripts for when the server cannot be reached -----------------
  function ready() {
    const controlled = "serviceWorker" in navigator && navigator.serviceWorker.controller;
    if (controlled && state.feed) document.documentElement.dataset.doorOffline = "ready";
  }
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("controllerchange", ready);
    navigator.serviceWorker.register("/door-sw.js", { scope: "/door" }).catch(() => {});
  }

  // --- leaving the kiosk asks first ---------------------------------------------------------------------------
  leave.addEventListener("click", () => {
    leaveQueue.hidden = !state.queued;
    leaveQueue.textContent = state.queued ? t("queued", { n: state.queued }) : "";
    dialog.showModal();
  });
  $("leave-stay").addEventListener("click", () => dialog.close());
  // Chromium keeps the keyboard on the dialog's last control after it closes, whatever has the focus: the scan field
  // takes the focus anew.
  dialog.addEventListener("close", () => setTimeout(() => { code.blur(); focusScan(); }, 0));
  // Signing out leaves no visitors' names on the device: the feed and the kept page go; the queued checks stay until
  // they are sent.
  $("leave-signout").addEventListener("submit", (event) => {
    event.preventDefault();
    const signout = event.target;
    const kept = "caches" in window ? caches.delete("dcops-door-v1") : Promise.resolve();
    Promise.all([off.store.remove("feed"), off.store.remove("refused"), kept]).catch(() => {})
      .finally(() => signout.submit());
  });

  // --- the camera -----------------------------------------------------------------------------------------------
  camera.addEventListener("click", () => {
    camera.disabled = true;
    window.dcopsScan(video, (text) => {
      camera.disabled = false;
      code.value = text;
      submitScan();
    }, (message) => {
      camera.disabled = false;
      notice(t("camera_failed", { problem: message }));
    }, { noCamera: t("no_camera"), noCode: t("no_code") });
  });

  // --- start: what the device kept, then the server's word ------------------------------------------------------
  (async () => {
    try {
      state.refused = (await off.store.get("refused")) || 0;
      state.queued = (await off.store.queue()).length;
      const kept = await off.store.get("feed");
      if (kept && kept.version === 1 && !state.feed) await useFeed(kept);
    } catch (err) {
      // No IndexedDB (a private window): the screen works online only.
    }
    showStatus();
    await sync();
  })();
})();
