/*
 * gradbook's cross-origin-isolation service worker (served as coi-sw.js at the site's root; registered by
 * register.js). A static host cannot send headers, and SharedArrayBuffer — so tfjs-backend-wasm's threaded SIMD
 * binary — needs a cross-origin-isolated page: this worker re-serves every same-origin GET response with
 * Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp. Everything the book loads is
 * same-origin (no CDN), so require-corp blocks nothing. It makes no request of its own, caches nothing and leaves
 * other origins, non-GET requests, opaque responses and redirects untouched.
 */
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

/** The response with the two isolation headers added (body streamed through, status kept). */
function isolated(response) {
  if (response.status === 0 || response.type === "opaque" || response.type === "opaqueredirect" || response.redirected) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  return new Response(response.body, {status: response.status, statusText: response.statusText, headers});
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return; // a Chrome quirk: fetch() would throw
  event.respondWith(fetch(request).then(isolated));
});
