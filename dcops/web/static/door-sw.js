// The door screen's service worker (served as /door-sw.js, scope /door): it keeps the door page and its scripts, so
// that the screen still opens when the server cannot be reached; door.js then decides on the door feed it keeps.
// The page is read from the server first (it knows who is signed in); the scripts from the cache first, refreshed
// behind. Nothing else passes through here: the checks, the feed and the queued checks always go to the server.
"use strict";

const CACHE = "dcops-door-v1";
const PAGE = "/door";
const ASSETS = [
  "/static/dcops.css",
  "/static/door.css",
  "/static/dcops.js",
  "/static/vendor/htmx/htmx.min.js",
  "/static/door.js",
  "/static/door-offline.js",
  "/static/qrscan.js",
  "/static/vendor/jsqr/jsQR.js",
  "/static/favicon.svg",
];
const PAGE_TIMEOUT_MS = 4000;

// The door page as the signed-in officer sees it; a sign-in page (a redirect) is not kept in its place.
async function keepPage(cache, response) {
  if (response.ok && !response.redirected && (response.headers.get("content-type") || "").includes("text/html")) {
    await cache.put(PAGE, response.clone());
  }
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(ASSETS);
    try {
      await keepPage(cache, await fetch(PAGE, { credentials: "same-origin" }));
    } catch (err) {
      // Kept at the next visit of the page.
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    await self.clients.claim();
  })());
});

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (err) => { clearTimeout(timer); reject(err); });
  });
}

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    return await keepPage(cache, await withTimeout(fetch(request), PAGE_TIMEOUT_MS));
  } catch (err) {
    const kept = await cache.match(PAGE, { ignoreSearch: true });
    // Before any page was kept there is no reader's language to go by: both of the screen's languages.
    const said = "Het deurscherm is niet bereikbaar en is niet op dit apparaat bewaard.\n"
      + "The door screen cannot be reached and was not kept on this device.";
    return kept || new Response(said, {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

async function asset(event) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(event.request, { ignoreSearch: true });
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (kept) {
    event.waitUntil(fresh.catch(() => {}));
    return kept;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE || url.pathname === PAGE + "/") event.respondWith(page(request));
  else if (ASSETS.includes(url.pathname)) event.respondWith(asset(event));
});
