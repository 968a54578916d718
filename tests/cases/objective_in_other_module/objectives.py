import torch


def objective(trial):  # expect: OPL101
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    weight = torch.zeros(3, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=lr)
    for epoch in range(50):
        optimizer.zero_grad()
        loss = ((weight - 1.0) ** 2).sum()
        loss.backward()
        optimizer.step()
    return loss.item()
