"""OPL108 and OPL110: a pruning callback or a pruner that is built and then left unused."""

from __future__ import annotations

import textwrap

import pytest
from conftest import codes_and_rows, lint


@pytest.mark.parametrize(
    ("study", "flagged"),
    [
        ("optuna.create_study(pruner=None)", True),
        ("optuna.create_study()", True),
        ("optuna.create_study(pruner=pruner)", False),
        ("make_study(pruner)", False),  # handed on: used, wherever it goes
    ],
)
def test_a_pruner_nothing_reads_is_reported(study: str, flagged: bool) -> None:
    code = f"import optuna\n\npruner = optuna.pruners.HyperbandPruner()\nstudy = {study}\n"
    expected = [
        (
            "OPL110",
            3,
            10,
            "`pruner = HyperbandPruner(...)` is given to no study: its settings never take effect",
        )
    ]
    assert lint(code) == (expected if flagged else [])


def test_a_module_pruner_read_inside_a_function_is_used() -> None:
    code = textwrap.dedent(
        """\
        import optuna

        PRUNER = optuna.pruners.MedianPruner()

        def main():
            return optuna.create_study(pruner=PRUNER)
        """
    )
    assert codes_and_rows(code) == []


CALLBACK = textwrap.dedent(
    """\
    import optuna
    from optuna_integration import XGBoostPruningCallback

    def objective(trial: optuna.Trial) -> float:
        {line}
        return train(params)
    """
)


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ('XGBoostPruningCallback(trial, "validation-rmse")', True),
        ('callback = XGBoostPruningCallback(trial, "validation-rmse")', True),
        ('params = {"callbacks": [XGBoostPruningCallback(trial, "validation-rmse")]}', False),
        (
            'callback = XGBoostPruningCallback(trial, "validation-rmse")\n'
            '    params = {"callbacks": [callback]}',
            False,
        ),
    ],
)
def test_a_pruning_callback_never_passed_on_is_reported(line: str, flagged: bool) -> None:
    code = CALLBACK.format(line=line)
    found = [c for c in lint(code) if c[0] == "OPL108"]
    column = 5 if line.startswith("XGBoost") else 16
    expected = [
        (
            "OPL108",
            5,
            column,
            "`XGBoostPruningCallback(...)` is created with the trial but never passed on to the "
            "framework: it never runs, so nothing is reported or pruned",
        )
    ]
    assert found == (expected if flagged else [])


CATBOOST = textwrap.dedent(
    """\
    import optuna
    from optuna_integration import CatBoostPruningCallback

    def objective(trial: optuna.Trial) -> float:
        callback = CatBoostPruningCallback(trial, "Logloss")
        model.fit(data, callbacks=[callback])
        {after}
        return 0.0
    """
)


def test_catboost_callback_without_check_pruned_is_reported() -> None:
    assert lint(CATBOOST.format(after="pass")) == [
        (
            "OPL108",
            5,
            16,
            "`CatBoostPruningCallback(...)` is used, but its `check_pruned()` is never called "
            "after training: CatBoost cannot raise from a callback, so pruned trials end COMPLETE",
        )
    ]


def test_catboost_callback_checked_after_training_is_silent() -> None:
    assert codes_and_rows(CATBOOST.format(after="callback.check_pruned()")) == []
