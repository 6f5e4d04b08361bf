// The service worker (served by frontend.phone.service_worker at /sw.js, which prepends `var SEDP = {version,
// precache, scripts}`). One versioned cache: the precached static files, and the capture pages and offline bundles
// as they are visited (network first, the cache when there is no connection). A new version deletes the old caches.
// Background Sync: the "sedp-queue" tag sends the phone's queue (offline-queue.js) when the connection returns.
/* global SEDP, OfflineQueue */
"use strict";
importScripts.apply(self, SEDP.scripts);
var CACHE = "sedp-" + SEDP.version;
// Pages and data kept for offline use (OfflineQueue.kept): the capture page of a district and the user's bundle.

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SEDP.precache); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("sedp-") === 0 && n !== CACHE; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// A kept page is answered from the cache only while someone is signed in on this phone (the capture page sets the
// marker, OfflineQueue.meta "user"; signing out deletes it): a signed-out browser gets no previous user's page or bundle.
function signedIn() {
  return OfflineQueue.meta("user").then(function (user) { return !!user; }, function () { return false; });
}

function networkFirst(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return signedIn().then(function (yes) {
      return yes ? caches.match(request, { ignoreSearch: true, ignoreVary: true }) : null;
    }).then(function (hit) {
      return hit || new Response("Không có kết nối / No connection", { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    });
  });
}

function cacheFirst(request) {
  return caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (cache) { cache.put(request, copy); }); }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(cacheFirst(request)); return; }
  if (OfflineQueue.kept(url.href)) { event.respondWith(networkFirst(request)); }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "sedp-queue") { event.waitUntil(OfflineQueue.flush()); }
});

// A page marked `data-keep-offline` asks to be kept (its first visit came before the worker controlled it); the
// worker answers "kept" once the page is in the cache. Signing out deletes the kept pages from the page itself
// (OfflineQueue.forget, signout.js), whether or not this worker controls it.
self.addEventListener("message", function (event) {
  var source = event.source;
  if (event.data && event.data.keep && OfflineQueue.kept(event.data.keep)) {
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.add(event.data.keep); })
      .then(function () { source.postMessage({ kept: event.data.keep }); }, function () { source.postMessage({ kept: null }); }));
  }
});
