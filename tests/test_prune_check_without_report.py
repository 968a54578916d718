"""OPL102: a prune check on a trial that never reports."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source

CODE = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        metric = 0.0
        for epoch in range(50):
            metric = fit_one_epoch(epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return metric

    optuna.create_study({study}).optimize(objective, n_trials=20)
    """
)


def test_check_without_report_is_reported_at_the_call() -> None:
    assert lint(CODE.format(study="pruner=optuna.pruners.HyperbandPruner()")) == [
        (
            "OPL102",
            7,
            12,
            "`trial.should_prune()` is asked, but the trial never reports: the study's "
            "HyperbandPruner decides from reported values, so the check is always false",
        )
    ]


def test_the_default_pruner_counts_without_the_setting() -> None:
    assert codes_and_rows(CODE.format(study="")) == [("OPL102", 7)]


@pytest.mark.parametrize(
    "study",
    [
        "pruner=optuna.pruners.NopPruner()",
        "pruner=optuna.pruners.PatientPruner(optuna.pruners.NopPruner(), patience=2)",
        "pruner=make_pruner()",  # unknown
        "pruner=MyPruner()",  # user-defined: may decide without reports
        "directions=['minimize', 'maximize']",
    ],
)
def test_silent_when_the_pruner_may_not_need_reports(study: str) -> None:
    code = CODE.format(study=study) + (
        "\nclass MyPruner(optuna.pruners.BasePruner):\n"
        "    def prune(self, study, trial):\n        return False\n"
    )
    assert codes_and_rows(code, select=("OPL102",)) == []


def test_silent_when_the_trial_reports_anywhere() -> None:
    code = (
        CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
            "metric = fit_one_epoch(epoch)",
            "metric = fit_one_epoch(epoch)\n        log(trial, metric)",
        )
        + "\ndef log(trial, value):\n    trial.report(value, 0)\n"
    )
    assert codes_and_rows(code) == []


def test_silent_when_the_trial_goes_out_of_sight() -> None:
    code = CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
        "metric = fit_one_epoch(epoch)", "metric = external.fit(trial, epoch)"
    )
    assert codes_and_rows("import external\n" + code) == []


def test_fix_reports_the_returned_value_before_the_check() -> None:
    before = CODE.format(study="pruner=optuna.pruners.MedianPruner()")
    after = before.replace(
        "        if trial.should_prune():",
        "        trial.report(metric, epoch)\n        if trial.should_prune():",
    )
    assert_fix(before, after, unsafe=True)


def test_no_fix_when_the_check_is_not_the_last_statement_of_the_loop() -> None:
    code = CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
        "            raise optuna.TrialPruned()\n",
        "            raise optuna.TrialPruned()\n        print(epoch)\n",
    )
    (finding,) = lint_source(code)
    assert finding.code == "OPL102" and finding.fix is None
