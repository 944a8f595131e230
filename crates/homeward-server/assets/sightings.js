// The public sighting form: the sender's offset from UTC (so that "when" is a moment, not only
// a local time), "now" as the time when the field is empty, and "use my location" through the
// browser's own geolocation (no map service is asked). The form works without any of it.
(function () {
  "use strict";
  var form = document.getElementById("sighting");
  if (!form) return;
  var offset = document.getElementById("utc_offset_minutes");
  if (offset) offset.value = String(-new Date().getTimezoneOffset());
  var seen = document.getElementById("seen_at");
  if (seen && !seen.value) {
    var now = new Date();
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    seen.value = now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) +
      "T" + two(now.getHours()) + ":" + two(now.getMinutes());
  }
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("lat").value = position.coords.latitude.toFixed(5);
      document.getElementById("lon").value = position.coords.longitude.toFixed(5);
      status.textContent = "";
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
