import lightgbm as lgb
import numpy as np
import optuna
from optuna_integration import LightGBMPruningCallback


def objective(trial):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(400, 5)), rng.normal(size=400)
    fit_set = lgb.Dataset(x[:300], y[:300])
    check_set = lgb.Dataset(x[300:], y[300:], reference=fit_set)
    params = {"objective": "regression", "metric": "l1", "num_leaves": trial.suggest_int("leaves", 4, 64)}
    booster = lgb.train(
        params,
        fit_set,
        valid_sets=[check_set],
        valid_names=["check"],
        callbacks=[LightGBMPruningCallback(trial, "l1")],  # expect: OPL407
    )
    return booster.best_score["check"]["l1"]


optuna.create_study(pruner=optuna.pruners.SuccessiveHalvingPruner()).optimize(objective, n_trials=20)
