/* Move keyboard and screen-reader focus to a message the server just rendered (an error after
   a failed login, an unknown tracking code), so it is read first. */
(function () {
  "use strict";
  var target = document.querySelector("[data-focus-on-load]");
  if (target) { target.focus(); }
}());
