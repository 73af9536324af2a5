/* The phone checklist (issue 3): every change saves itself, and nothing typed is ever lost.
 *
 * How it works:
 * - Every change to an autosave form (form[data-autosave]) goes into a *pending* entry, written to
 *   localStorage before anything is sent, keyed by visit + row (an item, the visit header, a re-check);
 *   the entry holds every field of the row not yet confirmed. It is removed only when the server
 *   confirms it, so a dropped connection, a reload or a closed tab keeps it.
 * - Pending entries are (re)sent after 600 ms of typing, at once for clicks, every 5 s, on the
 *   `online` event, when the tab is hidden, and on page load.
 * - On page load a pending entry is put back into the page and re-sent, unless the server's row was
 *   changed elsewhere well after it (row version newer than the entry's base and than its time).
 *   Times are on the server's clock (the phone's clock may be off).
 * - Underneath are plain forms: without JavaScript each one posts normally and comes back to its item.
 */
(function () {
  "use strict";
  const root = document.querySelector("[data-checklist]");
  if (!root) return;
  document.documentElement.classList.add("js");

  const T = JSON.parse(document.getElementById("checklist-strings").textContent);
  const PREFIX = "checklist:" + root.dataset.visit + ":";
  const DRAFTS = "checklist-draft:" + root.dataset.visit + ":";
  const offset = Number(root.dataset.serverNow) - Date.now(); // server clock minus the phone's
  const csrf = (document.querySelector("[name=csrfmiddlewaretoken]") || {}).value;
  const pending = {}; // key (visit + row) -> {row, url, fields: {name: [values]}, t, base}
  const inflight = {}; // key -> promise of the request under way
  const blocked = {}; // key -> true once the server says the checklist is locked (409)
  const timers = {};
  const GRACE_MS = 60000; // see "Page load" below

  const fmt = (s, ...args) => s.replace(/%s/g, () => args.shift());
  const now = () => Date.now() + offset;
  const all = (sel, el) => Array.from((el || root).querySelectorAll(sel));

  // --- Storage: memory first, localStorage as the copy that survives the tab. ---
  function persist(key) {
    try {
      if (pending[key]) localStorage.setItem(key, JSON.stringify(pending[key]));
      else localStorage.removeItem(key);
    } catch (e) { /* private mode or full: the change is still sent from memory */ }
  }
  function storedKeys(prefix) {
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (k && k.startsWith(prefix)) keys.push(k);
    }
    return keys;
  }

  // --- Reading and writing form fields. ---
  const rowForms = (row) => all('form[data-autosave][data-row="' + row + '"]');
  const fieldNames = (form) => [...new Set(Array.from(form.elements)
    .filter((el) => el.name && el.name !== "_fields" && el.name !== "csrfmiddlewaretoken" && el.type !== "file")
    .map((el) => el.name))];
  function fieldValues(form, name) { // the checked boxes and selected options only
    const out = [];
    for (const el of form.elements) {
      if (el.name !== name) continue;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.type === "select-multiple") for (const o of el.selectedOptions) out.push(o.value);
      else out.push(el.value);
    }
    return out;
  }
  function setField(form, name, values) {
    for (const el of form.elements) {
      if (el.name !== name) continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.includes(el.value);
      else if (el.type === "select-multiple") for (const o of el.options) o.selected = values.includes(o.value);
      else el.value = values[0] || "";
    }
  }
  const formOf = (entry) => {
    const forms = rowForms(entry.row), first = Object.keys(entry.fields)[0];
    return forms.find((f) => f.elements[first]) || forms[0];
  };

  // --- Per-form status text: 保存中… / 已保存 HH:MM:SS / 离线… ---
  function status(form, state, text) {
    const el = form && form.querySelector("[data-status]");
    if (!el) return;
    if (state === "pending" && !navigator.onLine) state = "offline";
    el.classList.toggle("is-error", state === "error");
    el.classList.toggle("is-offline", state === "offline");
    el.textContent = {saving: T.saving, saved: fmt(T.saved, text || ""), offline: T.offline, pending: T.pending}[state] || text || "";
  }

  // --- Queue and send: one pending entry per row (an item, the visit header, a re-check) holding every
  // field not yet confirmed, so a request that got through but whose answer was lost carried them all. ---
  function queue(form, name) {
    const row = form.dataset.row, key = PREFIX + row;
    const entry = pending[key] || {row, url: form.action, fields: {}, base: Number(form.dataset.version)};
    // A re-check is saved as one piece (result + notes).
    const names = "whole" in form.dataset ? fieldNames(form) : [name];
    names.forEach((n) => { entry.fields[n] = fieldValues(form, n); });
    entry.t = now();
    pending[key] = entry;
    persist(key);
    status(form, "pending");
    return key;
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST", body, credentials: "same-origin", keepalive: !!keepalive,
      headers: {"X-CSRFToken": csrf, Accept: "application/json"},
    }).then((res) => {
      if ((res.headers.get("Content-Type") || "").includes("application/json")) {
        return res.json().then((json) => ({status: res.status, json}));
      }
      // A login page (session expired) or a CSRF refusal: keep the change, say why.
      return {status: res.status, json: null, login: res.redirected || res.status === 403};
    });
  }

  function setVersion(row, version) { // answers may arrive out of order: keep the newest
    const forms = rowForms(row);
    if (!version || !forms.length || version <= Number(forms[0].dataset.version)) return;
    forms.forEach((f) => { f.dataset.version = version; });
    const entry = pending[PREFIX + row];
    if (entry) { entry.base = version; persist(PREFIX + row); }
  }

  function send(key) {
    const entry = pending[key];
    if (!entry || blocked[key]) return Promise.resolve();
    if (inflight[key]) return inflight[key];
    const form = formOf(entry);
    const needs = form && form.dataset.requires; // e.g. a re-check needs its result first
    if (needs && !(entry.fields[needs] || []).some(Boolean)) {
      status(form, "error", T.choose_first);
      return Promise.resolve();
    }
    const body = new FormData();
    for (const [name, values] of Object.entries(entry.fields)) {
      body.append("_fields", name);
      values.forEach((v) => body.append(name, v));
    }
    const sentAt = entry.t;
    let again = false; // the rest of a partly refused change goes out at once
    status(form, "saving");
    inflight[key] = post(entry.url, body, true).then((res) => {
      const json = res.json;
      const unchanged = pending[key] && pending[key].t === sentAt;
      if (json && json.ok) {
        if (unchanged) { delete pending[key]; persist(key); }
        setVersion(entry.row, json.version);
        status(form, unchanged ? "saved" : "saving", json.saved_at);
      } else if (res.status === 409) { // locked: keep it on the phone for after a reopening
        blocked[key] = true;
        status(form, "error", json.error + T.locked);
      } else if (json) { // refused: say why, drop the refused fields, show the server's value again
        const current = pending[key];
        const refused = Object.keys(json.errors || {}).filter((n) => current && n in current.fields);
        if (current && refused.length) refused.forEach((n) => delete current.fields[n]);
        else delete pending[key];
        if (current && !Object.keys(current.fields).length) delete pending[key];
        again = !!pending[key];
        persist(key);
        status(form, "error", json.error);
        for (const [name, value] of Object.entries(json.current || {})) setField(form, name, [value]);
        refreshItem(form);
      } else {
        status(form, "error", res.login ? T.login : T.pending);
      }
    }).catch(() => status(form, "offline")).finally(() => {
      delete inflight[key];
      if (pending[key] && (pending[key].t !== sentAt || again)) send(key); // changed while the request was out
    });
    return inflight[key];
  }

  const flushAll = () => Promise.all(Object.keys(pending).map(send));

  function schedule(key, delay) {
    clearTimeout(timers[key]);
    timers[key] = setTimeout(() => send(key), delay);
  }

  // --- Item card: conclusion colour, the problem panel, the progress bar. ---
  function refreshItem(form) {
    const card = form.closest("[data-item]");
    if (!card) return;
    const checked = form.querySelector("input[name=conclusion]:checked");
    card.dataset.conclusion = checked ? checked.value : "";
    const panel = card.querySelector("[data-problem-panel]");
    if (panel) panel.hidden = panel.dataset.showWhen !== card.dataset.conclusion;
    card.classList.remove("needs-answer");
    progress();
  }
  function progress() {
    const items = all("[data-item]");
    const done = items.filter((c) => c.dataset.conclusion).length;
    const text = root.querySelector("[data-progress]");
    if (text) text.textContent = fmt(T.progress, done, items.length);
    const bar = root.querySelector("[data-progress-bar]");
    if (bar) bar.style.width = (items.length ? Math.round((100 * done) / items.length) : 0) + "%";
  }
  function net() {
    const badge = root.querySelector("[data-net]");
    if (badge) badge.hidden = navigator.onLine;
  }

  // --- Drafts of forms that are sent on a button (a problem): kept until sent. ---
  function saveDraft(form) {
    const data = {};
    for (const el of form.elements) if (el.name && el.name !== "csrfmiddlewaretoken") data[el.name] = el.value;
    try { localStorage.setItem(DRAFTS + form.dataset.draft, JSON.stringify(data)); } catch (e) { /* ignore */ }
  }
  function restoreDraft(form) {
    let data = null;
    try { data = JSON.parse(localStorage.getItem(DRAFTS + form.dataset.draft)); } catch (e) { /* ignore */ }
    if (!data) return;
    for (const el of form.elements) if (el.name in data) el.value = data[el.name];
    const details = form.closest("details");
    if (details) details.open = true;
  }

  // --- Forms sent on a button through fetch (add/delete a problem, delete a photo). ---
  function ajax(form) {
    const card = form.closest("[data-item]");
    const target = card.querySelector("[data-" + form.dataset.target + "]");
    const error = form.querySelector("[data-form-error]");
    all("[data-error-for]", form).forEach((el) => { el.textContent = ""; });
    if (error) error.textContent = "";
    const button = form.querySelector("button");
    button.disabled = true;
    post(form.action, new FormData(form)).then((res) => {
      const json = res.json;
      if (json && json.ok) {
        target.innerHTML = json.html;
        if (form.dataset.draft) {
          localStorage.removeItem(DRAFTS + form.dataset.draft);
          form.reset();
          form.closest("details").open = false;
        }
        if (json.conclusion) {
          const answer = card.querySelector("form[data-autosave]");
          setField(answer, "conclusion", [json.conclusion]);
          refreshItem(answer);
        }
      } else if (json) {
        for (const [name, msgs] of Object.entries(json.errors || {})) {
          const slot = form.querySelector('[data-error-for="' + name + '"]') || error;
          if (slot) slot.textContent = msgs.join(" ");
        }
        if (!error || !form.isConnected) window.alert(json.error);
      } else if (error) error.textContent = res.login ? T.login : T.post_offline;
    }).catch(() => {
      if (error) error.textContent = T.post_offline;
      else window.alert(T.post_offline);
    }).finally(() => { button.disabled = false; });
  }

  // --- Photos: multipart upload with progress (XMLHttpRequest: fetch cannot report upload progress). ---
  function upload(form, input) {
    const file = input.files[0];
    if (!file) return;
    const out = form.querySelector("[data-photo-status]");
    const box = form.closest("[data-item]").querySelector("[data-photos]");
    const show = (text, bad) => { out.textContent = text; out.classList.toggle("text-danger", !!bad); };
    const max = Number(root.dataset.photoMax);
    const count = box.querySelector("[data-photo-count]");
    if (file.size > max) { show(fmt(T.too_big, Math.round(max / 1048576)), true); input.value = ""; return; }
    if (count && Number(count.dataset.photoCount) >= Number(root.dataset.maxPhotos)) { show(T.too_many, true); input.value = ""; return; }
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) show(fmt(T.uploading, Math.round((100 * ev.loaded) / ev.total) + "%")); };
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch (e) { /* a login page */ }
      if (json && json.ok) { box.innerHTML = json.html; show(fmt(T.saved, json.saved_at)); }
      else show(json ? json.error : T.login, true);
      input.value = "";
    };
    xhr.onerror = () => { show(T.upload_offline, true); input.value = ""; };
    show(fmt(T.uploading, "0%"));
    xhr.send(new FormData(form));
  }

  // --- Events. ---
  const isTyping = (el) => el.tagName === "TEXTAREA" || el.type === "text";
  root.addEventListener("input", (e) => {
    const form = e.target.form;
    if (!form) return;
    if (form.matches("[data-autosave]") && isTyping(e.target)) schedule(queue(form, e.target.name), 600);
    else if (form.matches("[data-draft]")) saveDraft(form);
  });
  root.addEventListener("change", (e) => {
    const el = e.target, form = el.form;
    if (!form) return;
    if (form.matches("[data-photo-upload]") && el.type === "file") upload(form, el);
    else if (form.matches("[data-draft]")) saveDraft(form);
    else if (form.matches("[data-autosave]")) {
      // Typing was queued on each keystroke; leaving the field sends it now.
      schedule(isTyping(el) ? PREFIX + form.dataset.row : queue(form, el.name), 0);
      if (el.name === "conclusion") refreshItem(form);
    }
  });
  root.addEventListener("submit", (e) => {
    const form = e.target;
    if (form.matches("[data-autosave]")) { // Enter in a field: save every field of that form now
      e.preventDefault();
      fieldNames(form).forEach((n) => queue(form, n));
      schedule(PREFIX + form.dataset.row, 0);
    } else if (form.matches("[data-photo-upload]")) {
      e.preventDefault();
      upload(form, form.querySelector("input[type=file]"));
    } else if (form.matches("[data-ajax]")) {
      e.preventDefault();
      if (!form.dataset.confirm || window.confirm(form.dataset.confirm)) ajax(form);
    } else if (form.matches("[data-discard]")) { // the draft is thrown away: so is what this phone kept of it
      storedKeys(PREFIX).concat(storedKeys(DRAFTS)).forEach((k) => localStorage.removeItem(k));
      Object.keys(pending).forEach((k) => { delete pending[k]; });
    } else if (form.matches("[data-submit]")) { // submit only once every change is on the server
      e.preventDefault();
      flushAll().then(flushAll).then(() => {
        if (Object.keys(pending).length) window.alert(T.submit_offline);
        else form.submit();
      });
    }
  });
  window.addEventListener("online", () => { net(); flushAll(); });
  window.addEventListener("offline", () => { net(); Object.values(pending).forEach((p) => status(formOf(p), "offline")); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flushAll(); });
  setInterval(() => { if (navigator.onLine) flushAll(); }, 5000);

  // --- Page load: take back what this phone has not sent yet. ---
  const editable = root.dataset.editable === "1";
  for (const key of storedKeys(PREFIX)) {
    let entry = null;
    try { entry = JSON.parse(localStorage.getItem(key)); } catch (e) { /* ignore */ }
    if (entry) pending[key] = entry;
  }
  if (!editable) { // read-only (submitted): keep them for a reopening, and say so
    const left = Object.keys(pending).length;
    const banner = root.querySelector("[data-local-left]");
    if (left && banner) { banner.textContent = fmt(T.local_left, left); banner.classList.remove("d-none"); }
    Object.keys(pending).forEach((k) => delete pending[k]);
    return;
  }
  for (const [key, entry] of Object.entries(pending)) {
    const form = formOf(entry);
    const server = form ? Number(form.dataset.version) : 0;
    // Changed elsewhere (another supervisor of a joint visit) well after this phone's change: theirs wins.
    // The minute's grace covers this phone's own request that got through without its answer.
    if (!form || (server > entry.base && server > entry.t + GRACE_MS)) {
      delete pending[key];
      persist(key);
      continue;
    }
    entry.base = server;
    for (const [name, values] of Object.entries(entry.fields)) {
      rowForms(entry.row).forEach((f) => setField(f, name, values));
    }
    persist(key);
    refreshItem(form);
    status(form, "pending");
  }
  all("form[data-draft]").forEach(restoreDraft);
  progress();
  net();
  flushAll();
})();
