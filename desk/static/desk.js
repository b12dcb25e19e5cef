// The desk's one script: frames the route map once the page is laid out, and polls a plan
// run's progress and moves the bar; on the end it goes
// to the plan page (or shows the failure). Pages work without it (reload to see progress).
"use strict";
(function () {
  function poll(box) {
    var bar = document.getElementById("bar");
    var stage = document.getElementById("stage");
    var request = new XMLHttpRequest();
    request.open("GET", box.getAttribute("data-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { stage.textContent = "error " + request.status; return; }
      var state = JSON.parse(request.responseText);
      bar.value = state.fraction;
      stage.textContent = state.stage;  // text, never markup
      if (state.stage === "done" && state.next) { window.location.assign(state.next); return; }
      if (state.stage === "failed") { box.classList.add("failed"); window.location.reload(); return; }
      window.setTimeout(function () { poll(box); }, 1000);
    };
    request.onerror = function () { window.setTimeout(function () { poll(box); }, 3000); };
    request.send();
  }
  // The route map is framed only once this page is laid out: a map that draws itself in a
  // frame of no size yet cannot fit its bounds.
  window.addEventListener("load", function () {
    var frames = document.querySelectorAll("iframe[data-src]");
    for (var i = 0; i < frames.length; i += 1) {
      frames[i].setAttribute("src", frames[i].getAttribute("data-src"));
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("progress");
    if (box && !box.classList.contains("finished")) { poll(box); }
  });
})();
