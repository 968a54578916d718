import optuna
import torch
import torch.nn.functional as F


def objective(trial):  # expect: OPL101
    width = trial.suggest_int("width", 16, 256, log=True)
    model = torch.nn.Sequential(torch.nn.Linear(10, width), torch.nn.ReLU(), torch.nn.Linear(width, 3))
    optimizer = torch.optim.SGD(model.parameters(), lr=trial.suggest_float("lr", 1e-4, 1.0, log=True))
    inputs, labels = torch.randn(256, 10), torch.randint(0, 3, (256,))
    for step in range(30):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), labels)
        loss.backward()
        optimizer.step()
        error = (model(inputs).argmax(1) != labels).float().mean()
    return error


study = optuna.create_study(pruner=optuna.pruners.SuccessiveHalvingPruner())
study.optimize(objective, n_trials=50)
