/* The demo shop's statistics tag: it only says that it ran. */
(function () {
  "use strict";
  window.hogoDemoStats = true;
  var log = document.getElementById("tag-log");
  if (log) log.appendChild(document.createElement("li")).textContent = "statistics tag ran (analytics.example.com)";
})();
