import optuna


def objective(trial):
    offset = trial.suggest_float("offset", -5.0, 5.0)
    distance = 0.0
    for step in range(20):
        distance = abs(offset) / (step + 1)
        trial.report(distance, step)
        if trial.should_prune():
            raise optuna.TrialPruned()
    return distance


study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(n_warmup_steps=2))  # expect: OPL403
study.optimize(objective, n_trials=15)
