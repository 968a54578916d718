"""OPL407: an XGBoost or LightGBM pruning callback names an evaluation its training lacks."""

from __future__ import annotations

from conftest import assert_fix, lint

LIGHTGBM = """\
import lightgbm as lgb
from optuna_integration import LightGBMPruningCallback


def objective(trial):
    booster = lgb.{function}(
        params,
        train_set,
        valid_sets=[holdout],{names}
        callbacks=[LightGBMPruningCallback({arguments})],
    )
    return 0.0
"""


def lightgbm(arguments: str, names: str | None = None, function: str = "train") -> str:
    if names is None:
        names = '\n        valid_names=["holdout"],'
    return LIGHTGBM.format(arguments=arguments, names=names, function=function)


def lightgbm_message(valid_name: str, default: str, names: str) -> str:
    return (
        f"`LightGBMPruningCallback` looks for the validation set `{valid_name}`{default}, but "
        f"`lgb.train` names its validation sets {names}: training raises `ValueError` and "
        "every trial fails"
    )


def test_lightgbm_default_valid_name_is_reported_at_the_callback_and_set() -> None:
    code = lightgbm('trial, "l2"')
    message = lightgbm_message("valid_0", " (the default)", "`holdout`")
    assert lint(code) == [("OPL407", 11, 20, message)]
    assert_fix(code, lightgbm('trial, "l2", valid_name="holdout"'))


def test_lightgbm_wrong_valid_name_is_reported_at_it_and_rewritten() -> None:
    code = lightgbm("trial, 'l2', valid_name='valid'")
    assert lint(code) == [("OPL407", 11, 68, lightgbm_message("valid", "", "`holdout`"))]
    assert_fix(code, lightgbm("trial, 'l2', valid_name='holdout'"))


def test_lightgbm_several_names_are_reported_without_a_fix() -> None:
    names = '\n        valid_names=["a", "b"],'
    code = lightgbm('trial, "l2", "c"', names=names)
    assert lint(code) == [("OPL407", 11, 57, lightgbm_message("c", "", "`a`, `b`"))]
    assert_fix(code, code, unsafe=True)


def test_lightgbm_silent_cases() -> None:
    assert lint(lightgbm('trial, "l2", valid_name="holdout"')) == []
    assert lint(lightgbm('trial, "l2"', function="cv")) == []
    assert lint(lightgbm('trial, "l2"', names="")) == []
    assert lint(lightgbm('trial, "l2"', names="\n        valid_names=names,")) == []
    assert lint(lightgbm('trial, "l2", valid_name=name')) == []


XGBOOST = """\
import xgboost as xgb
from optuna_integration import XGBoostPruningCallback


def objective(trial):
    {training}
    return 0.0
"""


def xgboost(training: str) -> str:
    return XGBOOST.format(training=training)


def xgboost_message(key: str, names: str) -> str:
    return (
        f"`XGBoostPruningCallback` observes `{key}`, but the training evaluates {names}: the key "
        "is never logged, so training raises `KeyError` and every trial fails"
    )


def test_xgboost_train_key_prefix_is_rewritten_to_the_one_evaluation_name() -> None:
    training = (
        'xgb.train(p, d, evals=[(dv, "valid")], '
        'callbacks=[XGBoostPruningCallback(trial, "validation-logloss")])'
    )
    code = xgboost(training)
    assert lint(code) == [("OPL407", 6, 85, xgboost_message("validation-logloss", "`valid`"))]
    assert_fix(code, xgboost(training.replace("validation-logloss", "valid-logloss")))


def test_xgboost_cv_keys_are_test_and_train() -> None:
    training = 'xgb.cv(p, d, callbacks=[XGBoostPruningCallback(trial, "valid-rmse")])'
    code = xgboost(training)
    assert lint(code) == [("OPL407", 6, 59, xgboost_message("valid-rmse", "`test`, `train`"))]
    assert_fix(code, xgboost(training.replace("valid-rmse", "test-rmse")))
    assert lint(xgboost(training.replace("valid-rmse", "test-rmse"))) == []


def test_xgboost_scikit_learn_api_names_validation_sets_by_index() -> None:
    fit = (
        "model = xgb.XGBClassifier(callbacks=[XGBoostPruningCallback(trial, {key})])\n"
        "    model.fit(x, y, eval_set=[(xv, yv), (xt, yt)])"
    )
    code = xgboost(fit.format(key='"valid-auc"'))
    message = xgboost_message("valid-auc", "`validation_0`, `validation_1`")
    assert lint(code) == [("OPL407", 6, 72, message)]
    assert_fix(code, code)  # two names: no fix
    assert lint(xgboost(fit.format(key='"validation_1-auc"'))) == []


def test_xgboost_silent_cases() -> None:
    callback = 'callbacks=[XGBoostPruningCallback(trial, "valid-auc")]'
    assert lint(xgboost(f"xgb.train(p, d, evals=watchlist, {callback})")) == []
    assert lint(xgboost(f"xgb.train(p, d, evals=[(dv, name)], {callback})")) == []
    assert lint(xgboost(f"xgb.train(p, d, {callback})")) == []
    assert lint(xgboost(f"model.fit(x, y, eval_set=sets, {callback})")) == []
    assert lint(xgboost(f"run_training({callback})")) == []
    key = 'callbacks=[XGBoostPruningCallback(trial, f"{name}-auc")]'
    assert lint(xgboost(f'xgb.train(p, d, evals=[(dv, "v")], {key})')) == []


def test_lightgbm_numbered_name_past_the_names_given_is_silent() -> None:
    # With more validation sets than names, LightGBM calls the set at index 1 `valid_1`.
    code = lightgbm("trial, 'auc', valid_name='valid_1'", '\n        valid_names=["train"],')
    assert lint(code) == []
    # `valid_0` is the first set, which the names do cover.
    code = lightgbm("trial, 'auc', valid_name='valid_0'", '\n        valid_names=["train"],')
    assert [found[0] for found in lint(code)] == ["OPL407"]
