"""OPL407: an XGBoost or LightGBM pruning callback names an evaluation its training lacks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from optuna_lint.facts import PruningCallbackUse, StringArgument, TrainingCall
from optuna_lint.findings import Applicability, Edit, Finding, Fix, Span
from optuna_lint.rules.base import Rule, RuleContext

_XGBOOST_TRAIN = frozenset({"xgboost.train", "xgboost.training.train"})
_XGBOOST_CV = frozenset({"xgboost.cv", "xgboost.training.cv"})
_XGBOOST_ESTIMATORS = frozenset(
    {"XGBModel", "XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor"}
)
_LIGHTGBM_TRAIN = frozenset({"lightgbm.train", "lightgbm.engine.train"})
# `xgb.train(params, dtrain, num_boost_round, evals, ...)`: a fourth positional argument is
# `evals`; `lgb.train(params, train_set, num_boost_round, valid_sets, valid_names, ...)`.
_XGBOOST_LEADING_PARAMETERS = 3
_LIGHTGBM_LEADING_PARAMETERS = 4
_LIGHTGBM_DEFAULT_VALID_NAME = "valid_0"


class EvalNameMismatch(Rule):
    """## What it does
    Finds an `XGBoostPruningCallback` whose observation key does not start with one of the
    evaluation names of the training it is given to (`evals=[(dvalid, "name")]` gives keys
    `name-<metric>`, `xgb.cv` gives `train-<metric>` and `test-<metric>`, and the scikit-learn
    API's `eval_set=[...]` gives `validation_0-<metric>`, `validation_1-<metric>`...), and a
    `LightGBMPruningCallback` whose `valid_name` (by default `valid_0`) is not one of the
    `valid_names` given to `lgb.train`.

    ## Why is this bad?
    The callback looks its key up in the evaluation results after the first boosting round.
    When it is missing, the XGBoost callback raises `KeyError` and the LightGBM one
    `ValueError`: training stops and every trial fails.

    ## Known problems
    Only literal evaluation names are read, of a training call made with the callback in
    `callbacks=[...]` in the same function (for the scikit-learn API, `fit` calls of an estimator
    built there). The metric part of the key is not checked, and `lgb.cv`, where the callback
    finds its own name, is left alone.

    ## Example
    ```python
    booster = lgb.train(
        params,
        train_set,
        valid_sets=[holdout],
        valid_names=["holdout"],
        callbacks=[LightGBMPruningCallback(trial, "l2")],
    )
    ```

    ## Use instead
    ```python
    booster = lgb.train(
        params,
        train_set,
        valid_sets=[holdout],
        valid_names=["holdout"],
        callbacks=[LightGBMPruningCallback(trial, "l2", valid_name="holdout")],
    )
    ```

    ## Fix safety
    When the training has exactly one evaluation name, the fix rewrites the key's prefix to it,
    or sets `valid_name` to it. It is safe: with one evaluation, no other name can be meant.
    """

    code = "OPL407"
    name = "eval-name-mismatch"
    summary = (
        "an `XGBoostPruningCallback` key whose prefix is not a literal evaluation name of its "
        "training call, or a `LightGBMPruningCallback` whose `valid_name` is not among the "
        "literal `valid_names` of `lgb.train`"
    )
    fix_summary = "safe when there is exactly one evaluation name: use it"
    fix_availability = "safe"

    def check(self, context: RuleContext) -> Iterator[Finding]:
        for use in context.facts.pruning_callbacks:
            if use.has_star or use.host is None:
                continue
            if use.qualified.endswith(".XGBoostPruningCallback"):
                found = _xgboost_finding(use)
            elif use.qualified.endswith(".LightGBMPruningCallback"):
                found = _lightgbm_finding(use)
            else:
                continue
            if found is not None:
                message, span, fix = found
                yield Finding(
                    code=self.code,
                    name=self.name,
                    message=message,
                    filename=context.display_path,
                    span=span,
                    fix=fix,
                )


# XGBoost


def _xgboost_finding(use: PruningCallbackUse) -> tuple[str, Span, Fix | None] | None:
    key = use.argument(1, "observation_key")
    names = _xgboost_names(use)
    if key is None or not names:
        return None
    if any(key.value.startswith(f"{name}-") for name in names):
        return None
    # Under `xgb.cv` the held-out folds are `test`; elsewhere only a single name is certain.
    target = "test" if "test" in names and "train" in names else None
    if target is None and len(names) == 1:
        target = names[0]
    fix = None
    if target is not None:
        metric = key.value.split("-", 1)[1] if "-" in key.value else key.value
        written = key.written_as(f"{target}-{metric}")
        if written is not None:
            fix = Fix(
                message=f"Observe `{target}-{metric}`",
                applicability=Applicability.SAFE,
                edits=(Edit(key.span.start_offset, key.span.end_offset, written),),
            )
    return (
        f"`XGBoostPruningCallback` observes `{key.value}`, but the training evaluates "
        f"{_listed(names)}: the key is never logged, so training raises `KeyError` and every "
        "trial fails",
        key.span,
        fix,
    )


def _xgboost_names(use: PruningCallbackUse) -> list[str] | None:
    """The evaluation names of the training the callback is given to, when all literal."""
    host = use.host
    if host.has_star:
        return None
    qualified = host.callee.name if host.callee.kind == "qualified" else ""
    if qualified in _XGBOOST_CV:
        return ["test", "train"]
    if qualified in _XGBOOST_TRAIN:
        if host.positional_count > _XGBOOST_LEADING_PARAMETERS:
            return None
        return _evals_names(dict(host.keywords).get("evals"))
    if host.method == "fit":
        return _eval_set_names([host])
    if qualified.startswith("xgboost.") and qualified.rsplit(".", 1)[-1] in _XGBOOST_ESTIMATORS:
        fits = [call for call in use.object_calls if call.method == "fit"]
        return _eval_set_names(fits) if use.object_followed and fits else None
    return None


def _evals_names(evals: object) -> list[str] | None:
    """`[(dtrain, "train"), (dvalid, "valid")]` as `["train", "valid"]`."""
    if not isinstance(evals, tuple) or not evals:
        return None
    names = []
    for pair in evals:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], str)):
            return None
        names.append(pair[1])
    return names


def _eval_set_names(fits: list[TrainingCall]) -> list[str] | None:
    """`validation_<i>` for each set of the `eval_set=[...]` of every `fit`."""
    names: list[str] = []
    for fit in fits:
        eval_set = dict(fit.keywords).get("eval_set")
        if fit.has_star or not isinstance(eval_set, tuple) or not eval_set:
            return None
        names.extend(f"validation_{index}" for index in range(len(eval_set)))
    return sorted(set(names))


# LightGBM


def _lightgbm_finding(use: PruningCallbackUse) -> tuple[str, Span, Fix | None] | None:
    host = use.host
    qualified = host.callee.name if host.callee.kind == "qualified" else ""
    if (
        qualified not in _LIGHTGBM_TRAIN
        or host.has_star
        or host.positional_count > _LIGHTGBM_LEADING_PARAMETERS
    ):
        return None
    names = dict(host.keywords).get("valid_names")
    if not isinstance(names, tuple) or not names or not all(isinstance(n, str) for n in names):
        return None
    given = use.argument(2, "valid_name")
    if given is None and use.gives(2, "valid_name"):
        return None  # not a literal
    valid_name = given.value if given is not None else _LIGHTGBM_DEFAULT_VALID_NAME
    if valid_name in names:
        return None
    # LightGBM names the sets beyond `valid_names` `valid_<i>`: with more sets than names,
    # such a name can be right.
    numbered = re.fullmatch(r"valid_(\d+)", valid_name)
    if numbered is not None and int(numbered.group(1)) >= len(names):
        return None
    fix = _set_valid_name(use, given, names[0]) if len(set(names)) == 1 else None
    written = "" if given is not None else " (the default)"
    return (
        f"`LightGBMPruningCallback` looks for the validation set `{valid_name}`{written}, but "
        f"`lgb.train` names its validation sets {_listed(list(names))}: training raises "
        "`ValueError` and every trial fails",
        given.span if given is not None else use.span,
        fix,
    )


def _set_valid_name(use: PruningCallbackUse, given: StringArgument | None, name: str) -> Fix | None:
    if given is not None:
        written = given.written_as(name)
        if written is None:
            return None
        edit = Edit(given.span.start_offset, given.span.end_offset, written)
    else:
        metric = use.argument(1, "metric")
        quote = metric.quote if metric is not None and metric.quote else '"'
        literal = StringArgument(name, use.span, quote).written_as(name)
        if literal is None or not (use.positional or use.keywords):
            return None
        edit = Edit(use.arguments_end, use.arguments_end, f", valid_name={literal}")
    return Fix(
        message=f"Set `valid_name` to `{name}`",
        applicability=Applicability.SAFE,
        edits=(edit,),
    )


def _listed(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
