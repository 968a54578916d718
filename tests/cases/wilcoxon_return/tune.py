import optuna


def objective(trial):
    temperature = trial.suggest_float("temperature", 0.01, 10.0, log=True)
    costs = []
    for instance in range(50):
        costs.append((instance % 7) * temperature)
        trial.report(costs[-1], instance)
        if trial.should_prune():
            return sum(costs) / len(costs)
    return sum(costs) / len(costs)


optuna.create_study(pruner=optuna.pruners.WilcoxonPruner(p_threshold=0.1)).optimize(objective, n_trials=40)
