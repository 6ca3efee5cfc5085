// After a failed save, take keyboard and screen-reader users straight to the list of errors.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary && !window.location.hash) {
    summary.focus();
  }
});
