(function () {
  "use strict";
  // the one CSV rule of pipeline/safe_csv.py, put here when the page is built (before hashing)
  var RULE = __CSV_RULE__;
  var START = new RegExp("^(?:" + RULE.start + ")");
  var NUMBER = new RegExp("^(?:" + RULE.number + ")$");
  var pick = document.getElementById("force-filter");
  var sections = document.querySelectorAll("section[data-force]");
  function fragment() {
    // a malformed fragment (#%, #force=%ZZ, half a UTF-8 sequence) reads as none: show all
    try { return decodeURIComponent(location.hash.slice(1)); } catch (e) { return ""; }
  }
  function wanted(hash) {
    if (hash.indexOf("force=") === 0) { return hash.slice(6); }
    var target = hash && document.getElementById(hash);
    var holder = target && target.closest("section[data-force]");
    return holder ? holder.getAttribute("data-force") : "";
  }
  function apply() {
    var hash = fragment();
    var force = wanted(hash);
    var known = false;
    sections.forEach(function (s) { if (s.getAttribute("data-force") === force) { known = true; } });
    if (!known) { force = ""; }
    sections.forEach(function (s) { s.hidden = force !== "" && s.getAttribute("data-force") !== force; });
    pick.value = force;
    document.getElementById("filter-status").textContent = force
      ? "Showing one force: " + pick.options[pick.selectedIndex].text + "."
      : "Showing every force.";
    var target = hash.indexOf("force=") === 0 ? force && document.getElementById(force)
      : hash && document.getElementById(hash);
    if (target) { target.scrollIntoView(); }
  }
  pick.addEventListener("change", function () {
    location.hash = pick.value ? "force=" + encodeURIComponent(pick.value) : "contents";
  });
  window.addEventListener("hashchange", apply);
  document.getElementById("filter").hidden = false;
  document.querySelectorAll("button[data-csv]").forEach(function (b) { b.hidden = false; });
  apply();

  function cell(text) {
    var value = String(text);
    if (START.test(value) && !NUMBER.test(value)) { value = RULE.prefix + value; }
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }
  function lines(source) {
    if (source.tagName === "TABLE") {
      return Array.prototype.map.call(source.rows, function (row) {
        return Array.prototype.map.call(row.cells, function (c) {
          var value = c.getAttribute("data-value");
          return cell(value === null ? c.textContent : value);
        }).join(",");
      });
    }
    var rows = [source.getAttribute("data-header")];
    source.querySelectorAll("[data-row]").forEach(function (item) {
      rows.push(item.getAttribute("data-row").split(",").map(cell).join(","));
    });
    return rows;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-csv]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-csv"));
    var blob = new Blob(["\ufeff" + lines(source).join("\r\n") + "\r\n"], { type: "text/csv" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = button.getAttribute("data-name");
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  });
})();
