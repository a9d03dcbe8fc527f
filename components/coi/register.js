/*
 * Registers gradbook's cross-origin-isolation service worker (sw.js, served as coi-sw.js at the site's root) and
 * reloads the page once when the worker has just taken control, so that the reloaded page is cross-origin isolated
 * (SharedArrayBuffer: wasm threads) — unless the reader has already clicked, typed or touched something (their
 * work is never lost: the next page they open is isolated anyway). A classic script for every page's <head>, after Framework's modulepreload links
 * (the site's root is found from the one to _observablehq/client, so pages at any depth and sites under a sub-path
 * work). Never breaks a page: no service workers, an insecure context, no sessionStorage or a failed registration
 * leave it as it is, silently; at most one reload per tab session (sessionStorage "gb-coi-reload"), none when the page
 * is already isolated. Makes no request but the worker's script.
 */
(() => {
  const KEY = "gb-coi-reload";
  try {
    if (self.crossOriginIsolated) return void sessionStorage.removeItem(KEY);
    if (!self.isSecureContext || !("serviceWorker" in navigator)) return;
    const own = document.currentScript && document.currentScript.src;
    const anchor = document.querySelector('link[rel="modulepreload"][href*="_observablehq/client"]');
    if (!own && !anchor) return;
    const root = own ? new URL("./", own) : new URL("../", anchor.href);
    const container = navigator.serviceWorker;
    let touched = false;
    const touch = () => { touched = true; };
    for (const type of ["pointerdown", "keydown", "input"]) addEventListener(type, touch, {capture: true, once: true, passive: true});
    const reloadOnce = () => {
      try {
        if (touched || self.crossOriginIsolated || sessionStorage.getItem(KEY)) return;
        sessionStorage.setItem(KEY, "1");
        location.reload();
      } catch {
        // no sessionStorage: stay as we are rather than risk a reload loop
      }
    };
    sessionStorage.getItem(KEY); // throws where sessionStorage is unavailable: then nothing is registered
    Promise.resolve(container.register(new URL("coi-sw.js", root).href, {scope: root.pathname})).then((registration) => {
      if (!registration || container.controller) return; // controlled but not isolated: a reload would not help
      if (registration.active) reloadOnce(); // a hard reload bypassed an active worker
      else container.addEventListener("controllerchange", reloadOnce, {once: true});
    }).catch(() => {});
  } catch {
    // leave the page as it is
  }
})();
