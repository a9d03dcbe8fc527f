/**
 * What an epoch loop adds to the program beyond its training step: the activation it applies to the model's output,
 * the value a ReduceLROnPlateau or an early stop monitors (the validation loss or the training loss), and the
 * early stopping it writes by hand. Pure.
 */
import type {Interpreter} from "../keras/interpreter.js";
import type {EarlyStopSpec} from "../keras/program.js";
import {checkEarlyStop} from "../earlyStop.js";
import type {Lowered} from "./layers.js";
import type {TorchLoop} from "./loop.js";

/** `torch.sigmoid(model(x))` in the loop: the last layer takes the activation (it must have none of its own). */
export function applyOutputActivation(it: Interpreter, lowered: Lowered | null, loop: TorchLoop): Lowered | null {
  const a = loop.activation;
  if (!lowered || !a) return lowered;
  const layers = [...lowered.layers];
  const last = layers[layers.length - 1];
  if (last?.type !== "dense" || last.activation !== "linear" || lowered.logSoftmax) {
    it.unsupported.push({line: a.line, message: `the loop applies ${a.activation} to the model's output, but the model's last layer is not a Linear layer without an activation`});
    return null;
  }
  layers[layers.length - 1] = {...last, activation: a.activation};
  return {...lowered, layers};
}

/** What `name` stands for when a scheduler or an early stop reads it: the validation loss or the training loss. */
export function monitorOf(it: Interpreter, loop: TorchLoop, name: string | undefined, line: number, what: string): "val_loss" | "loss" | null {
  if (name && loop.validation?.metric === name && !loop.validation.measure) return "val_loss";
  if (name && name === loop.lossVar) return "loss";
  it.error(line, `${what}: the value it reads (${name ?? "none"}) is neither the validation loss computed under torch.no_grad() nor the training loss; the page cannot follow it`);
  return null;
}

/** The hand-written early stopping as the trainer's EarlyStopSpec (restoring the best weights when the code loads them back). */
export function earlyStopOf(it: Interpreter, loop: TorchLoop): EarlyStopSpec | undefined {
  const h = loop.earlyStop;
  if (!h) return undefined;
  const monitor = monitorOf(it, loop, h.metric, h.line, "early stopping");
  if (!monitor) return undefined;
  if (monitor === "loss" || h.mode === "max") {
    it.error(h.line, `early stopping on ${monitor === "loss" ? "the training loss" : "a value to maximise"} is not followed; the page trains every epoch`);
    return undefined;
  }
  const num = (e: typeof h.patience | null, what: string) => {
    if (!e) return 0;
    const v = it.evaluate(e, it.globals, h.line);
    if (v.k !== "num") throw new Error(`early stopping: ${what} cannot be followed`);
    return v.v;
  };
  try {
    const restoreBest = it.stateLoads.some((l) => l.arg === h.state && l.model === h.model);
    return checkEarlyStop({monitor, mode: h.mode, minDelta: num(h.minDelta, "the margin"), patience: num(h.patience, "the patience") + h.offset, restoreBest, line: h.line});
  } catch (e) {
    it.error(h.line, (e as Error).message);
    return undefined;
  }
}
