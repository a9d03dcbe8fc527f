/**
 * Playground settings in the URL (`?pg=alpha:0.01;steps:200;start:-1.5,2`), so a teacher can share an exact
 * setup and a reload restores it. Encoding and decoding are pure; reading and writing touch `location` and
 * `history.replaceState` (debounced) only.
 */

export type UrlValue = number | string | number[] | string[];
export type UrlState = Record<string, UrlValue>;

/** Numbers with at most 6 significant digits, no trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`urlState: cannot store ${v}`);
  return String(+v.toPrecision(6));
}

/** `key:value;key:a,b` — ordered by the state's own key order. Keys and strings must avoid ":;,". */
export function encodeState(state: UrlState): string {
  return Object.entries(state)
    .map(([k, v]) => {
      if (/[:;,]/.test(k)) throw new Error(`urlState: key "${k}" contains one of : ; ,`);
      const one = (x: number | string) => {
        if (typeof x === "number") return formatNumber(x);
        if (/[:;,]/.test(x)) throw new Error(`urlState: value "${x}" of ${k} contains one of : ; ,`);
        return x;
      };
      return `${k}:${Array.isArray(v) ? (v as (number | string)[]).map(one).join(",") : one(v)}`;
    })
    .join(";");
}

/** Field types the decoder knows: a number (with optional bounds), a list of numbers, a string from a set. */
export type FieldSpec =
  | {type: "number"; min?: number; max?: number; integer?: boolean}
  | {type: "numbers"; length?: number}
  | {type: "string"; values?: string[]}
  | {type: "strings"; values?: string[]};

export interface Decoded {
  state: UrlState;
  /** one clear message per ignored field: what and why */
  errors: string[];
}

/** Parses what encodeState wrote; bad or unknown fields are skipped with a message, never thrown. */
export function decodeState(text: string, schema: Record<string, FieldSpec>): Decoded {
  const state: UrlState = {};
  const errors: string[] = [];
  for (const part of text.split(";")) {
    if (!part) continue;
    const i = part.indexOf(":");
    if (i < 0) {
      errors.push(`已忽略 URL 设置 "${part}"：应为 key:value`);
      continue;
    }
    const key = part.slice(0, i), raw = part.slice(i + 1);
    const spec = schema[key];
    if (!spec) {
      errors.push(`已忽略 URL 设置 "${key}"：未知（已知：${Object.keys(schema).join(", ")}）`);
      continue;
    }
    if (spec.type === "number") {
      const v = Number(raw);
      if (raw === "" || !Number.isFinite(v)) errors.push(`已忽略 URL 设置 ${key}=${raw}：不是数字`);
      else if (spec.integer && !Number.isInteger(v)) errors.push(`已忽略 URL 设置 ${key}=${raw}：不是整数`);
      else if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max)) errors.push(`已忽略 URL 设置 ${key}=${raw}：超出 [${spec.min}, ${spec.max}]`);
      else state[key] = v;
    } else if (spec.type === "numbers") {
      const vs = raw.split(",").map(Number);
      if (raw === "" || !vs.every(Number.isFinite)) errors.push(`已忽略 URL 设置 ${key}=${raw}：不是数字列表`);
      else if (spec.length !== undefined && vs.length !== spec.length) errors.push(`已忽略 URL 设置 ${key}=${raw}：应为 ${spec.length} 个数`);
      else state[key] = vs;
    } else if (spec.type === "string") {
      if (spec.values && !spec.values.includes(raw)) errors.push(`已忽略 URL 设置 ${key}=${raw}：应为 ${spec.values.join(", ")} 之一`);
      else state[key] = raw;
    } else {
      const vs = raw === "" ? [] : raw.split(",");
      const bad = spec.values ? vs.filter((v) => !spec.values!.includes(v)) : [];
      if (bad.length) errors.push(`已忽略 URL 设置 ${key}=${raw}：未知的 ${bad.join(", ")}（应为 ${spec.values!.join(", ")}）`);
      else state[key] = vs;
    }
  }
  return {state, errors};
}

/** The raw encoded state under `param` in a search string (e.g. location.search), or null. */
export function readUrlState(param: string, search: string = typeof location !== "undefined" ? location.search : ""): string | null {
  return new URLSearchParams(search).get(param);
}

/** The URL with `param` set to the encoded state, other parameters and the hash untouched. */
export function withUrlState(href: string, param: string, encoded: string): string {
  const url = new URL(href);
  url.searchParams.set(param, encoded);
  return url.href;
}

/**
 * A debounced writer: call it as often as you like; after `delay` ms of quiet it replaces the current history
 * entry with the URL holding the latest state (no new history entries, no reload). Returns a cancel function too.
 */
export function urlWriter(param: string, delay = 250): {write(state: UrlState): void; flush(): void; cancel(): void} {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: string | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending === null || typeof history === "undefined") return;
    try {
      history.replaceState(history.state, "", withUrlState(location.href, param, pending));
    } catch {
      // sandboxed iframes or file: URLs may refuse; the playground still works
    }
    pending = null;
  };
  return {
    write(state) {
      pending = encodeState(state);
      if (timer) clearTimeout(timer);
      timer = setTimeout(flush, delay);
    },
    flush,
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    }
  };
}
