import {isND} from "../components/models/numpy/ndarray.js";

/** An interpreter value as {shape, data, dtype}, for deep-equal assertions on NumPy arrays. */
export const arr = (v: unknown) => {
  if (!isND(v)) throw new Error("not an array");
  return {shape: v.shape, data: Array.from(v.data), dtype: v.dtype};
};
