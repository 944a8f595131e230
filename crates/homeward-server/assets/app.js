// Homeward's small script. Everything works without it; it adds live clocks, times in the
// user's own time zone, the "may be the same child" panel and the risk suggestion while the
// operator types. Translated words come from data attributes the server renders.
"use strict";
(function () {
  const body = document.body;
  const lang = document.documentElement.lang || "en";
  const zone = body.dataset.timeZone || undefined;

  // Times: the server writes UTC; show them in the user's locale and time zone.
  function localTimes() {
    let fmt;
    try {
      fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short", timeZone: zone });
    } catch (e) {
      fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    }
    document.querySelectorAll("time[data-local]").forEach(function (el) {
      const at = new Date(el.getAttribute("datetime"));
      if (!isNaN(at)) el.textContent = fmt.format(at);
    });
  }

  // Clocks: time elapsed since a moment, in days, hours and minutes.
  function clocks() {
    const d = body.dataset.unitD || "d", h = body.dataset.unitH || "h", m = body.dataset.unitMin || "min";
    const now = Date.now();
    document.querySelectorAll(".clock[data-since]").forEach(function (el) {
      const since = Date.parse(el.dataset.since);
      if (isNaN(since)) return;
      let mins = Math.max(0, Math.floor((now - since) / 60000));
      const days = Math.floor(mins / 1440); mins -= days * 1440;
      const hours = Math.floor(mins / 60); mins -= hours * 60;
      el.textContent = days > 0 ? days + " " + d + " " + hours + " " + h : hours > 0 ? hours + " " + h + " " + mins + " " + m : mins + " " + m;
    });
  }

  // While the child's name is typed: cases that may be the same child.
  function matches() {
    const panel = document.getElementById("matches");
    if (!panel) return;
    const given = document.getElementById("given_name"), family = document.getElementById("family_name");
    let timer = null, last = "";
    function search() {
      const q = [given.value, family.value].join(" ").trim();
      if (q === last) return;
      last = q;
      if (q.length < 2) { panel.textContent = panel.dataset.empty; return; }
      fetch("/api/v1/cases?limit=8&q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (page) {
          if (!page) return;
          panel.textContent = "";
          if (page.items.length === 0) { panel.textContent = panel.dataset.none; return; }
          const ul = document.createElement("ul");
          page.items.forEach(function (c) {
            const li = document.createElement("li"), a = document.createElement("a");
            a.href = "/cases/" + c.id; a.target = "_blank"; a.rel = "noopener";
            a.textContent = c.number + " · " + (c.child_name || "") + " · " + c.status;
            li.appendChild(a); ul.appendChild(li);
          });
          panel.appendChild(ul);
        })
        .catch(function () {});
    }
    [given, family].forEach(function (el) {
      if (el) el.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
    });
  }

  // The risk questions: ask the server for the suggested level as they are answered.
  function risk() {
    const box = document.getElementById("risk-questions"), out = document.getElementById("risk-result");
    if (!box || !out) return;
    const words = {};
    document.querySelectorAll("#risk-words li").forEach(function (li) { words[li.dataset.key] = li.textContent; });
    function ask() {
      const answers = {};
      box.querySelectorAll("input[type=checkbox]").forEach(function (c) { answers[c.name.replace(/^risk_/, "")] = c.checked; });
      fetch("/api/v1/risk-suggestion", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json" }, body: JSON.stringify(answers)
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) return;
          const why = s.factors.map(function (f) { return words["why_" + f.factor] || f.why; });
          out.textContent = (words["level_" + s.level] || s.level) + (why.length ? " — " + why.join("; ") : "");
          const select = document.getElementById("risk_level");
          if (select && !select.dataset.touched) select.value = s.level;
        })
        .catch(function () {});
    }
    box.addEventListener("change", ask);
    const select = document.getElementById("risk_level");
    if (select) select.addEventListener("change", function () { select.dataset.touched = "1"; });
  }

  // The intake form: what is typed is kept on the server a moment after each change, so a
  // closed tab loses nothing; the browser's offset from UTC goes with the local times typed.
  function intake() {
    const form = document.getElementById("intake");
    if (!form) return;
    let timer = null;
    function keep() {
      const offset = document.getElementById("utc_offset");
      if (offset && !offset.value) offset.value = String(new Date().getTimezoneOffset());
      fetch(form.dataset.draft, {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(new FormData(form)).toString()
      }).catch(function () {});
    }
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(keep, 800); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(keep, 800); });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      const seen = document.getElementById("last_seen_at");
      const at = seen && seen.value ? new Date(seen.value.trim().replace(" ", "T")) : new Date();
      document.getElementById("utc_offset").value = String(isNaN(at) ? new Date().getTimezoneOffset() : at.getTimezoneOffset());
    });
  }

  localTimes(); clocks(); matches(); risk(); intake();
  setInterval(clocks, 30000);
})();
