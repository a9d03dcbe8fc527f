/** The built-in surfaces' titles, notes and marks in the book's language (zh-CN and en; components/i18n). */
import {messages} from "../../i18n/index.js";

export const tSurface = messages<
  "quadraticTitle" | "quadraticNote" | "rosenbrockTitle" | "rosenbrockNote" | "saddleTitle" | "saddleNote" | "saddlePoint" | "minimum"
>({
  "zh-CN": {
    quadraticTitle: "病态二次函数 ½({a}·w₀² + {b}·w₁²)，条件数 κ = {kappa}",
    quadraticNote: "梯度下降只在 α < 2/{max} = {limit} 时收敛；接近这个上限时，它在窄谷两壁之间来回震荡，沿平缓的方向却挪得很慢。动量能解决这种爬行。这个函数也正是 n = 2 个样本的均方误差 MSE = ½Σ(yᵢ − ŷᵢ)²，其中 ŷ = (√{a}·w₀, √{b}·w₁)，y = (0, 0)。",
    rosenbrockTitle: "Rosenbrock 香蕉函数 ({a} − x)² + {b}(y − x²)²",
    rosenbrockNote: "谷底很容易到达，却很难沿着走：普通梯度下降要几千步才能沿香蕉形的谷底走到 (1, 1)。",
    saddleTitle: "鞍点 ½x² + ¼y⁴ − ½y²",
    saddleNote: "起点恰好在脊线 y = 0 上时，每个优化器都会停在鞍点（梯度没有 y 分量）；稍稍偏离一点，它就会滑向两个极小值之一。",
    saddlePoint: "鞍点",
    minimum: "极小值"
  },
  en: {
    quadraticTitle: "Ill-conditioned quadratic ½({a}·w₀² + {b}·w₁²), condition number κ = {kappa}",
    quadraticNote: "Gradient descent converges only for α < 2/{max} = {limit}; near that limit it zig-zags between the walls of the narrow valley while crawling along the flat direction. Momentum fixes the crawl. This function is also the mean squared error MSE = ½Σ(yᵢ − ŷᵢ)² of n = 2 samples with ŷ = (√{a}·w₀, √{b}·w₁), y = (0, 0).",
    rosenbrockTitle: "Rosenbrock's banana ({a} − x)² + {b}(y − x²)²",
    rosenbrockNote: "The valley is easy to reach and hard to follow: plain gradient descent takes thousands of steps along the banana-shaped floor to (1, 1).",
    saddleTitle: "Saddle ½x² + ¼y⁴ − ½y²",
    saddleNote: "Started exactly on the ridge y = 0, every optimiser stops at the saddle (the gradient has no y component); a little off it, each slides into one of the two minima.",
    saddlePoint: "saddle",
    minimum: "minimum"
  }
});
