import optuna

from config import make_pruner


def objective(trial):
    loss = 0.0
    for epoch in range(5):
        loss = epoch * trial.suggest_float("x", 0, 1)
    return loss


def logged(trial):
    loss = 0.0
    for epoch in range(5):
        loss = float(epoch)
    log_trial(trial)
    return loss


def log_trial(trial):
    registry.append(trial)


optuna.create_study(pruner=make_pruner()).optimize(objective)
pruner = optuna.pruners.MedianPruner()
if optuna.__version__ > "4":
    pruner = make_pruner()
optuna.create_study(pruner=pruner).optimize(objective)
optuna.create_study(pruner=optuna.pruners.ThreshholdPruner(upper=1.0)).optimize(objective)  # expect: OPL304
optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(logged)
optuna.create_study(directions=["minimize", "maximize"], pruner=optuna.pruners.MedianPruner()).optimize(objective)  # expect: OPL301
