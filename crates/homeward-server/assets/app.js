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

  // While the child is described: children already known who may be the same child, with
  // how likely and why (the server answers only cases the operator may read).
  function matches() {
    const panel = document.getElementById("matches");
    if (!panel) return;
    const words = {};
    document.querySelectorAll("#match-words li").forEach(function (li) { words[li.dataset.key] = li.textContent; });
    const field = function (id) { const el = document.getElementById(id); return el ? el.value.trim() : ""; };
    const bands = [[0.95, "almost_certain"], [0.8, "very_likely"], [0.5, "likely"], [0.2, "possible"], [0, "unlikely"]];
    let timer = null, last = "";
    function query() {
      const child = {};
      if (field("given_name")) child.given_name = field("given_name");
      if (field("family_name")) child.family_name = field("family_name");
      if (["F", "M", "X"].indexOf(field("sex")) >= 0) child.sex = field("sex");
      if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(field("date_of_birth"))) child.date_of_birth = field("date_of_birth");
      const from = parseInt(field("age_from"), 10), to = parseInt(field("age_to"), 10);
      if (!child.date_of_birth && from >= 0 && from < 18) child.estimated_age = { min: from, max: to >= from && to < 18 ? to : from };
      return child;
    }
    function likelihood(p) {
      const band = bands.find(function (b) { return p >= b[0]; }) || bands[bands.length - 1];
      // A match is never certain, nor ruled out: shown between 1 and 99 %.
      return (words["band_" + band[1]] || band[1]) + " (" + Math.min(99, Math.max(1, Math.round(p * 100))) + " %)";
    }
    function search() {
      const child = query(), body = JSON.stringify(child);
      if (body === last) return;
      last = body;
      if ((child.given_name || "") + (child.family_name || "") === "") { panel.textContent = panel.dataset.empty; return; }
      fetch("/api/v1/candidates", {
        method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json" }, body: body
      })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (found) {
          if (!found) return;
          panel.textContent = "";
          if (found.length === 0) { panel.textContent = panel.dataset.none; return; }
          const ul = document.createElement("ul");
          found.forEach(function (c) {
            const li = document.createElement("li"), a = document.createElement("a");
            a.href = "/cases/" + c.case_id; a.target = "_blank"; a.rel = "noopener";
            a.textContent = c.number + " · " + c.child_name;
            const how = document.createElement("strong");
            how.textContent = " " + likelihood(c.probability || 0);
            li.appendChild(a); li.appendChild(how);
            const why = document.createElement("ul");
            why.className = "reasons";
            c.explanation.forEach(function (r) {
              const item = document.createElement("li");
              item.className = r.weight >= 0 ? "for" : "against";
              item.textContent = (r.weight >= 0 ? "+ " : "− ") + (words["field_" + r.field] || r.field) + ": " + (words["level_" + r.level] || r.level);
              why.appendChild(item);
            });
            li.appendChild(why); ul.appendChild(li);
          });
          panel.appendChild(ul);
        })
        .catch(function () {});
    }
    ["given_name", "family_name", "sex", "date_of_birth", "age_from", "age_to"].forEach(function (id) {
      const el = document.getElementById(id);
      if (el) ["input", "change"].forEach(function (ev) {
        el.addEventListener(ev, function () { clearTimeout(timer); timer = setTimeout(search, 250); });
      });
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
