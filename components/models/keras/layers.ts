/**
 * Keras layers (Dense, Conv2D, MaxPooling2D, Flatten, Dropout, InputLayer; BatchNormalization and Activation / ReLU /
 * Softmax, folded into the layer before them) from their call arguments, and Sequential.add. Pure.
 */
import type {Interpreter} from "./interpreter.js";
import {ACTIVATIONS, LAYERS, SKIPPED_LAYER, describe, type ModelState, type Val} from "./values.js";
import {KERNEL_INITS, type Activation, type KernelInit, type LayerSpec, type Regularizer} from "./program.js";
import {foldModifier, type Modifier} from "./fold.js";

export function addLayer(it: Interpreter, m: ModelState, item: Val, line: number): void {
  if (item.k === "input") {
    m.inputShape = item.shape;
    return;
  }
  if (item.k === "unknown" && (item.why.endsWith(" layer") || item.why.endsWith(SKIPPED_LAYER))) return; // already reported
  if (item.k === "modifier") {
    if (item.inputShape && m.layers.length === 0) m.inputShape = item.inputShape;
    try {
      m.layers = foldModifier(m.layers, item.mod);
    } catch (err) {
      // named on the page; the model trains without it (a BatchNormalization on the inputs, after a Dropout, …)
      it.error(item.mod.line, `${(err as Error).message}; the page trains the model without it`);
      if (item.mod.kind === "activation") it.fatalLines.add(item.mod.line);
    }
    return;
  }
  if (item.k !== "layer") {
    it.fatalLines.add(line);
    throw new Error(`not a layer: ${describe(item)}`);
  }
  if (item.inputShape) {
    if (m.layers.length > 0) it.warn(item.spec.line, "input_shape on a layer that is not the first is ignored");
    else m.inputShape = item.inputShape;
  }
  m.layers.push(item.spec);
}

export function kerasLayer(it: Interpreter, name: string, args: Val[], kw: Record<string, Val>, line: number): Val {
  if (!LAYERS.includes(name)) throw new Error(`layer ${name} is not supported (supported: ${LAYERS.join(", ")})`);
  const used = new Set<string>();
  const get = (key: string, pos?: number): Val | undefined => {
    used.add(key);
    return kw[key] ?? (pos !== undefined ? args[pos] : undefined);
  };
  const activation = (v: Val | undefined = get("activation")): Activation => {
    if (!v || v.k === "none") return "linear";
    const key = v.k === "str" ? v.v : v.k === "unknown" ? v.why.split(".").pop()! : "";
    const a = ACTIVATIONS[key];
    if (!a) throw new Error(`activation ${key || describe(v)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(", ")})`);
    return a;
  };
  let inputShape: number[] | undefined;
  const is = get("input_shape");
  if (is) inputShape = it.shape(is, line, "input_shape");
  const idim = get("input_dim");
  if (idim) inputShape = [it.num(idim, line, "input_dim")];
  const useBias = (() => {
    const v = get("use_bias");
    return v ? v.k === "bool" && v.v : true;
  })();
  if (MODIFIERS.includes(name)) {
    const mod = modifier(it, name, get, activation, line);
    warnIgnored(it, name, kw, used, line);
    return {k: "modifier", inputShape, mod};
  }
  let spec: LayerSpec;
  switch (name) {
    case "Dense": {
      const units = get("units", 0);
      if (!units) throw new Error("Dense() needs units");
      const n = it.num(units, line, "units");
      if (!Number.isInteger(n) || n < 1) throw new Error(`Dense units must be a positive integer, got ${n}`);
      spec = {type: "dense", units: n, activation: activation(), useBias, line, ...kernelInit(it, get("kernel_initializer"), line), ...regularizer(it, get("kernel_regularizer"), line)};
      break;
    }
    case "Conv2D": {
      const filters = get("filters", 0), ks = get("kernel_size", 1);
      if (!filters || !ks) throw new Error("Conv2D() needs filters and kernel_size");
      const strides = get("strides", 2);
      const padding = get("padding", 3);
      const p = padding ? it.str(padding, "padding").toLowerCase() : "valid";
      if (p !== "valid" && p !== "same") throw new Error(`padding must be "valid" or "same", got "${p}"`);
      spec = {
        type: "conv2d", filters: it.num(filters, line, "filters"), kernelSize: it.pair(ks, line, "kernel_size"),
        strides: strides ? it.pair(strides, line, "strides") : [1, 1], padding: p, activation: activation(), useBias, line,
        ...kernelInit(it, get("kernel_initializer"), line), ...regularizer(it, get("kernel_regularizer"), line)
      };
      break;
    }
    case "MaxPooling2D":
    case "MaxPool2D": {
      const ps = get("pool_size", 0);
      const pool = ps ? it.pair(ps, line, "pool_size") : ([2, 2] as [number, number]);
      const st = get("strides", 1);
      const padding = get("padding", 2);
      const p = padding ? it.str(padding, "padding").toLowerCase() : "valid";
      if (p !== "valid" && p !== "same") throw new Error(`padding must be "valid" or "same", got "${p}"`);
      spec = {type: "maxPooling2d", poolSize: pool, strides: st && st.k !== "none" ? it.pair(st, line, "strides") : pool, padding: p, line};
      break;
    }
    case "Flatten":
      spec = {type: "flatten", line};
      break;
    case "Dropout": {
      const r = get("rate", 0);
      if (!r) throw new Error("Dropout() needs a rate");
      const rate = it.num(r, line, "rate");
      if (!(rate >= 0 && rate < 1)) throw new Error(`Dropout rate must be in [0, 1), got ${rate}`);
      spec = {type: "dropout", rate, line};
      break;
    }
    case "InputLayer": {
      const s = get("input_shape") ?? get("shape");
      if (!s) throw new Error("InputLayer() needs input_shape");
      return {k: "input", shape: it.shape(s, line, "input_shape")};
    }
    default:
      throw new Error(`layer ${name} is not supported`);
  }
  warnIgnored(it, name, kw, used, line);
  return {k: "layer", spec, inputShape};
}

const MODIFIERS = ["BatchNormalization", "Activation", "ReLU", "Softmax", "LeakyReLU", "PReLU"];

/** BatchNormalization (Keras' defaults: momentum 0.99, epsilon 1e-3) or an activation layer, folded later (fold.ts). */
function modifier(it: Interpreter, name: string, get: (key: string, pos?: number) => Val | undefined,
  activation: (v?: Val) => Activation, line: number): Modifier {
  const set = (v: Val | undefined) => !!v && v.k !== "none" && !(v.k === "num" && v.v === 0);
  if (name === "BatchNormalization") {
    const axis = get("axis", 0), momentum = get("momentum", 1), epsilon = get("epsilon", 2);
    if (axis && !(axis.k === "num" && axis.v === -1)) throw new Error("BatchNormalization: only axis=-1 (the features / channels) is followed");
    for (const k of ["center", "scale"]) {
      const v = get(k);
      if (v && !(v.k === "bool" && v.v)) throw new Error(`BatchNormalization: ${k}=False is not followed`);
    }
    return {kind: "batchNorm", momentum: momentum ? it.num(momentum, line, "momentum") : 0.99, epsilon: epsilon ? it.num(epsilon, line, "epsilon") : 1e-3, line};
  }
  if (name === "ReLU") {
    for (const k of ["max_value", "negative_slope", "threshold"]) if (set(get(k))) throw new Error(`ReLU(${k}=…) is not supported`);
    return {kind: "activation", activation: "relu", line};
  }
  if (name === "LeakyReLU") {
    // Keras 2's alpha / Keras 3's negative_slope, both 0.3 by default
    const slope = get("negative_slope") ?? get("alpha", 0);
    return {kind: "activation", activation: "leakyRelu", alpha: slope ? it.num(slope, line, "negative_slope") : 0.3, line};
  }
  if (name === "PReLU") {
    // Keras: one learnt slope per unit, from alpha_initializer ("zeros" by default); shared_axes=[1] (or [1, 2, 3]
    // after a convolution) shares one
    const init = get("alpha_initializer", 0), shared = get("shared_axes", 3);
    const value = !init || (init.k === "str" && init.v === "zeros") ? 0 : init.k === "str" && init.v === "ones" ? 1 : init.k === "num" ? init.v : undefined;
    if (value === undefined) throw new Error("PReLU: only alpha_initializer=\"zeros\" or \"ones\" is followed");
    const axes = shared && shared.k !== "none" ? it.ints(shared, line, "shared_axes") : [];
    if (!["", "1", "1,2", "1,2,3"].includes(axes.join())) throw new Error(`PReLU: shared_axes=${axes.join(", ")} is not followed`);
    // (shared over every axis but the batch's: one slope; shared over height and width only: one per channel)
    const one = axes.join() === "1" || axes.join() === "1,2,3";
    return {kind: "activation", activation: "prelu", alpha: value, line, ...(one ? {} : {perChannel: true})};
  }
  if (name === "Softmax") {
    const axis = get("axis", 0);
    if (axis && !(axis.k === "num" && axis.v === -1)) throw new Error("Softmax: only axis=-1 is followed");
    return {kind: "activation", activation: "softmax", line};
  }
  return {kind: "activation", activation: activation(get("activation", 0)), line};
}

/**
 * kernel_initializer="he_normal" (or glorot_normal, he_uniform, lecun_normal, lecun_uniform): that initialiser;
 * glorot_uniform is the default; anything else (an object, another name) is reported and left at the default.
 */
function kernelInit(it: Interpreter, v: Val | undefined, line: number): {kernelInit?: KernelInit} {
  if (!v || (v.k === "str" && v.v === "glorot_uniform")) return {};
  if (v.k === "str" && KERNEL_INITS[v.v]) return {kernelInit: KERNEL_INITS[v.v]};
  it.warn(line, `kernel_initializer=${v.k === "str" ? `"${v.v}"` : " (an initialiser object)"} is not followed: the page initialises with glorot_uniform`);
  return {};
}

/** kernel_regularizer=regularizers.l2(1e-4) (or "l2", "l1", "l1_l2": Keras' 0.01): the penalty on the kernel. */
function regularizer(it: Interpreter, v: Val | undefined, line: number): {regularizer?: Regularizer} {
  if (!v || v.k === "none") return {};
  if (v.k === "regularizer") return v.l1 || v.l2 ? {regularizer: {l1: v.l1, l2: v.l2}} : {};
  if (v.k === "str" && ["l1", "l2", "l1_l2"].includes(v.v.toLowerCase())) {
    const s = v.v.toLowerCase();
    return {regularizer: {l1: s === "l2" ? 0 : 0.01, l2: s === "l1" ? 0 : 0.01}};
  }
  it.warn(line, `kernel_regularizer=${describe(v)} is not followed: the page trains without it`);
  return {};
}

function warnIgnored(it: Interpreter, name: string, kw: Record<string, Val>, used: Set<string>, line: number): void {
  for (const k of Object.keys(kw)) {
    if (!used.has(k) && k !== "name") it.warn(line, `${name}: argument ${k}= is ignored`);
  }
}
