// Preloaded with `node --import` (NODE_OPTIONS) to prove a command needs no network: any connection or DNS
// lookup to a host other than loopback throws. Child processes inherit NODE_OPTIONS, so data loaders are covered.
import dns from "node:dns";
import net from "node:net";

const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\]|0\.0\.0\.0)$/i;
const fail = (what) => {
  const e = new Error(`gradbook offline guard: blocked network access to ${what}`);
  e.code = "EGRADBOOKOFFLINE";
  return e;
};

const lookup = dns.lookup;
dns.lookup = function (host, ...args) {
  if (!LOCAL.test(String(host))) {
    const cb = args.find((a) => typeof a === "function");
    const err = fail(host);
    if (cb) return process.nextTick(cb, err);
    throw err;
  }
  return lookup.call(this, host, ...args);
};
for (const name of ["resolve", "resolve4", "resolve6", "resolveAny"]) {
  dns[name] = (host, ...args) => {
    const cb = args.find((a) => typeof a === "function");
    process.nextTick(cb, fail(host));
  };
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === "object" && args[0] !== null ? args[0] : {host: typeof args[1] === "string" ? args[1] : "localhost", port: args[0]};
  const host = opts.path ? "localhost" : opts.host ?? "localhost";
  if (!LOCAL.test(String(host))) throw fail(`${host}:${opts.port}`);
  return connect.apply(this, args);
};
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
  if (!LOCAL.test(url.hostname)) throw fail(url.href);
  return realFetch(input, init);
};
