// Registers the service worker (/sw.js, scope /: issue 16, offline capture on a phone). Pages work without it.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* the site works without it */ });
    // A page meant for offline use asks the worker to keep it; body[data-kept-offline] says it is kept.
    var keep = document.body.dataset.keepOffline;
    if (!keep) { return; }
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && "kept" in event.data) { document.body.dataset.keptOffline = event.data.kept ? "1" : "0"; }
    });
    navigator.serviceWorker.ready.then(function (registration) { registration.active.postMessage({ keep: keep }); });
  });
})();
