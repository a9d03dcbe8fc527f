# The same program as 04.py in PyTorch (no TensorFlow here): Glorot-uniform weights, zero biases, Adam eps=1e-7,
# lr multiplied by 0.9 at the start of every epoch from 10 on (LearningRateScheduler(lambda epoch, lr: ...)).
import numpy as np, torch, torch.nn as nn
res = []
for seed in range(5):
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(1000, 2))
    y = (np.sqrt((X ** 2).sum(axis=1)) < 0.6).astype("int64")
    Xt, yt = torch.tensor(X[:800], dtype=torch.float32), torch.tensor(y[:800])
    Xv, yv = torch.tensor(X[800:], dtype=torch.float32), torch.tensor(y[800:])
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2))
    for l in m:
        if isinstance(l, nn.Linear): nn.init.xavier_uniform_(l.weight); nn.init.zeros_(l.bias)
    opt = torch.optim.Adam(m.parameters(), lr=0.02, eps=1e-7)
    lr = 0.02
    for epoch in range(30):
        lr = lr if epoch < 10 else lr * 0.9
        for g in opt.param_groups: g["lr"] = lr
        perm = torch.randperm(800)
        for i in range(0, 800, 32):
            idx = perm[i:i+32]
            opt.zero_grad(); loss = nn.functional.cross_entropy(m(Xt[idx]), yt[idx]); loss.backward(); opt.step()
    with torch.no_grad(): res.append((m(Xv).argmax(1) == yv).float().mean().item())
print("accuracies", res, "mean", np.mean(res), "final lr", lr)
