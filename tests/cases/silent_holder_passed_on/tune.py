import optuna

from reporting import Holder, report_epoch


def objective(trial):
    holder = Holder(trial)
    for epoch in range(10):
        report_epoch(holder, 0.1, epoch)
    return 0.1


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
