# 05.py in PyTorch: Glorot-uniform weights, zero biases, plain SGD, lr = 0.05 * 0.9 ** floor(step / 100) per batch step.
import numpy as np, torch, torch.nn as nn
res = []
for seed in range(5):
    np.random.seed(5)
    X = np.random.randn(1200, 4).astype("float32")
    y = X @ np.array([1.5, -2.0, 0.5, 3.0]) + 0.1 * np.random.randn(1200)
    Xt, yt = torch.tensor(X[:1000]), torch.tensor(y[:1000], dtype=torch.float32)
    Xv, yv = torch.tensor(X[1000:]), torch.tensor(y[1000:], dtype=torch.float32)
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
    for l in m:
        if isinstance(l, nn.Linear): nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias)
    opt = torch.optim.SGD(m.parameters(), lr=0.05)
    step = 0
    for epoch in range(20):
        perm = torch.randperm(1000)
        for i in range(0, 1000, 50):
            for g in opt.param_groups: g["lr"] = 0.05 * 0.9 ** (step // 100)
            idx = perm[i:i+50]
            opt.zero_grad(); loss = ((m(Xt[idx]).squeeze(1) - yt[idx]) ** 2).mean(); loss.backward(); opt.step(); step += 1
    with torch.no_grad(): res.append(((m(Xv).squeeze(1) - yv) ** 2).mean().item())
print("test mse", res, "mean", np.mean(res), "steps", step)
