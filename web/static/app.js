// screen review workspace: keyboard navigation, progress polling, print.
// Loaded as an external file so that the Content-Security-Policy can forbid
// inline script.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  // Queue: j/k move between records, Enter or o opens, / searches.
  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.qrow"));
    var cur = -1;
    function select(i) {
      if (!rows.length) return;
      i = Math.max(0, Math.min(rows.length - 1, i));
      if (cur >= 0) rows[cur].classList.remove("current");
      cur = i;
      rows[cur].classList.add("current");
      var a = rows[cur].querySelector("a");
      if (a) a.focus();
    }
    return function (e) {
      switch (e.key) {
        case "j": select(cur + 1); return true;
        case "k": select(cur < 0 ? 0 : cur - 1); return true;
        case "o":
          if (cur >= 0) { window.location.href = rows[cur].getAttribute("data-href"); return true; }
          return false;
        case "/":
          var q = document.getElementById("q");
          if (q) { q.focus(); q.select(); return true; }
      }
      return false;
    };
  }

  // Record: j/k next/previous record, u back to the queue. c, f and n pick
  // confirm, false positive or needs information for the current match
  // (the first one not decided yet) and put the cursor in its reason;
  // Ctrl+Enter then decides. Without matches, c and n go to the whole
  // record's buttons (Enter then decides). a goes to the approval of a
  // proposed false positive. A stray key never decides alone.
  function recordKeys() {
    function go(id) {
      var a = document.getElementById(id);
      if (a) { window.location.href = a.href; return true; }
      return false;
    }
    function focus(el) {
      if (el) { el.focus(); return true; }
      return false;
    }
    function pick(action) {
      var card = document.querySelector("article.match.current-match");
      var form = card && card.querySelector("form.match-form");
      if (!form) {
        return focus(document.querySelector("#record-form button[value=" + action + "]"));
      }
      form.setAttribute("data-intent", action);
      Array.prototype.forEach.call(form.querySelectorAll("button[name=action]"), function (b) {
        b.classList.toggle("intent", b.value === action);
      });
      return focus(form.querySelector("textarea"));
    }
    return function (e) {
      switch (e.key) {
        case "j": return go("next");
        case "k": return go("prev");
        case "u": return go("back");
        case "c": return pick("confirm");
        case "f": return pick("false_positive");
        case "n": return pick("needs_info");
        case "a": return focus(document.querySelector("form.approve-form button"));
      }
      return false;
    };
  }

  function pollProgress(box) {
    var url = box.getAttribute("data-progress-url");
    var bar = document.getElementById("progress-bar");
    var text = document.getElementById("progress-text");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          if (bar) bar.value = p.progress;
          if (text) text.textContent = p.screened + " records screened";
          if (p.status !== "running") { window.location.reload(); return; }
          window.setTimeout(tick, 1000);
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var handler = document.getElementById("queue") ? queueKeys()
      : document.getElementById("reasons-h") ? recordKeys() : null;
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) {
        // Ctrl+Enter in a text area sends its form, with the action
        // picked by c, f or n.
        if (e.key === "Enter" && e.target.tagName === "TEXTAREA" && e.target.form) {
          var f = e.target.form, intent = f.getAttribute("data-intent");
          var btn = intent ? f.querySelector("button[name=action][value=" + intent + "]") : null;
          if (btn) { e.preventDefault(); f.requestSubmit(btn); }
          else if (!f.querySelector("button[name=action]")) { e.preventDefault(); f.requestSubmit(); }
        }
        return;
      }
      if (!handler || typing(e.target)) return;
      if (handler(e)) e.preventDefault();
    });
    var box = document.getElementById("run-progress");
    if (box) pollProgress(box);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    var err = document.getElementById("page-error");
    if (err) err.focus && err.setAttribute("tabindex", "-1");
  });
})();
