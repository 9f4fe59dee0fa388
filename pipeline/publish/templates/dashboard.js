(function () {
  "use strict";
  var pick = document.getElementById("force-filter");
  var sections = document.querySelectorAll("section[data-force]");
  function wanted() {
    var hash = decodeURIComponent(location.hash.slice(1));
    if (hash.indexOf("force=") === 0) { return hash.slice(6); }
    var target = hash && document.getElementById(hash);
    var holder = target && target.closest("section[data-force]");
    return holder ? holder.getAttribute("data-force") : "";
  }
  function apply() {
    var force = wanted();
    var known = false;
    sections.forEach(function (s) { if (s.getAttribute("data-force") === force) { known = true; } });
    if (!known) { force = ""; }
    sections.forEach(function (s) { s.hidden = force !== "" && s.getAttribute("data-force") !== force; });
    pick.value = force;
    document.getElementById("filter-status").textContent = force
      ? "Showing one force: " + pick.options[pick.selectedIndex].text + "."
      : "Showing every force.";
    var hash = decodeURIComponent(location.hash.slice(1));
    var target = hash.indexOf("force=") === 0 ? document.getElementById(force)
      : hash && document.getElementById(hash);
    if (target) { target.scrollIntoView(); }
  }
  pick.addEventListener("change", function () {
    location.hash = pick.value ? "force=" + encodeURIComponent(pick.value) : "contents";
  });
  window.addEventListener("hashchange", apply);
  document.getElementById("filter").hidden = false;
  apply();

  function cell(text) {
    var value = String(text).trim();
    if (/^[=+@\t\r]/.test(value) || /^-[^0-9.]/.test(value)) { value = "'" + value; }
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
  document.querySelectorAll("button[data-csv]").forEach(function (b) { b.hidden = false; });
})();
