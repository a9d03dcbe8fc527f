/** Mean squared error MSE = (1/n) Σ_i (y_i - ŷ_i)². */
export function mse(y: number[], yHat: number[]): number {
  if (y.length !== yHat.length) throw new Error(`mse: ${y.length} labels but ${yHat.length} predictions`);
  if (y.length === 0) throw new Error("mse: no samples");
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - yHat[i]) ** 2;
  return s / y.length;
}
