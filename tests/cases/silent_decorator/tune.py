import optuna

from deco import report_intermediate


@report_intermediate
def objective(trial):
    loss = 1.0
    for epoch in range(20):
        loss *= 0.9
        yield loss


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective, n_trials=3)
