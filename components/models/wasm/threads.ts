/**
 * Whether tfjs-backend-wasm may pick its threaded SIMD binary on this page. That binary needs SharedArrayBuffer (a
 * cross-origin-isolated page: components/coi/) and starts its pthread workers from blob: URLs, which then import the
 * module's script from another blob: URL; a Content-Security-Policy that refuses blob: workers or scripts makes the
 * backend's start fail. The book's policy is a <meta> (scripts/csp.ts), so the page can read it. Pure: no DOM, no tf.
 */

/** The sources of one directive, falling back as CSP3 does; null when no directive of the chain is present. */
function sources(policy: string, chain: string[]): string[] | null {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(";")) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), values.map((v) => v.toLowerCase()));
  }
  for (const name of chain) if (directives.has(name)) return directives.get(name)!;
  return null;
}

const WORKER = ["worker-src", "child-src", "script-src", "default-src"];
const SCRIPT = ["script-src-elem", "script-src", "default-src"];

/** True when every policy lets a page start a worker from a blob: URL and that worker import a blob: script. */
export function allowsBlobWorkers(policies: string[]): boolean {
  return policies.every((p) => [WORKER, SCRIPT].every((chain) => {
    const s = sources(p, chain);
    return s === null || s.includes("blob:");
  }));
}

/** Why the threaded binary cannot run here, or null when it may: isolation, SharedArrayBuffer, the page's policy. */
export function threadsBlocked(env: {crossOriginIsolated?: boolean; sharedArrayBuffer: boolean; policies: string[]}): string | null {
  if (env.crossOriginIsolated === false) return "the page is not cross-origin isolated";
  if (!env.sharedArrayBuffer) return "no SharedArrayBuffer";
  if (!allowsBlobWorkers(env.policies)) return "the page's Content-Security-Policy refuses blob: workers";
  return null;
}
