/* The demo shop's advertising tag: it only says that it ran. */
(function () {
  "use strict";
  window.hogoDemoAds = true;
  var log = document.getElementById("tag-log");
  if (log) log.appendChild(document.createElement("li")).textContent = "advertising tag ran (ads.example.net)";
})();
