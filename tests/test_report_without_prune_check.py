"""OPL103: reports that no prune check ever reads."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import Settings, lint_source

CODE = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        loss = float("inf")
        for step in range(100):
            loss = train_step(step)
            trial.report(loss, step)
        return loss

    optuna.create_study({study}).optimize(objective, n_trials=30)
    """
)


def test_report_without_check_is_reported_at_the_last_report() -> None:
    assert lint(CODE.format(study="pruner=optuna.pruners.PercentilePruner(25.0)")) == [
        (
            "OPL103",
            7,
            9,
            "Objective `objective` reports to its study's PercentilePruner but never calls "
            "`trial.should_prune()`: values are stored and no trial is ever pruned",
        )
    ]


def test_the_default_pruner_counts_only_with_the_setting() -> None:
    code = CODE.format(study="")
    assert codes_and_rows(code) == []
    assert codes_and_rows(code, assume_default_pruner=True) == [("OPL103", 7)]


@pytest.mark.parametrize(
    "study",
    [
        "pruner=optuna.pruners.NopPruner()",
        "pruner=make_pruner()",
        "directions=['minimize', 'minimize']",
    ],
)
def test_silent_without_a_known_pruner_or_with_several_directions(study: str) -> None:
    # Several directions are OPL301's finding.
    assert codes_and_rows(CODE.format(study=study), select=("OPL103",)) == []


def test_silent_when_a_helper_checks() -> None:
    code = CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
        "trial.report(loss, step)", "trial.report(loss, step)\n        stop_if_pruned(trial)"
    ) + (
        "\ndef stop_if_pruned(trial):\n    if trial.should_prune():\n"
        "        raise optuna.TrialPruned()\n"
    )
    assert codes_and_rows(code) == []


def test_anchor_is_the_helper_report_when_the_objective_reports_nowhere_itself() -> None:
    code = (
        CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
            "trial.report(loss, step)", "log(trial, loss, step)"
        )
        + "\ndef log(trial, value, step):\n    print(value)\n    trial.report(value, step)\n"
    )
    assert codes_and_rows(code) == [("OPL103", 14)]


def test_fix_checks_right_after_the_report() -> None:
    before = CODE.format(study="pruner=optuna.pruners.MedianPruner()")
    after = before.replace(
        "        trial.report(loss, step)\n",
        "        trial.report(loss, step)\n"
        "        if trial.should_prune():\n"
        "            raise optuna.TrialPruned()\n",
    )
    assert_fix(before, after, unsafe=True)


def test_fix_uses_the_module_names_for_trial_pruned() -> None:
    before = (
        CODE.format(study="pruner=optuna.pruners.MedianPruner()")
        .replace("import optuna\n", "import optuna as opt\n")
        .replace("optuna.create_study", "opt.create_study")
        .replace("optuna.pruners", "opt.pruners")
    )
    after = before.replace(
        "        trial.report(loss, step)\n",
        "        trial.report(loss, step)\n"
        "        if trial.should_prune():\n"
        "            raise opt.TrialPruned()\n",
    )
    assert_fix(before, after, unsafe=True)


def test_no_fix_when_the_report_shares_its_line() -> None:
    code = CODE.format(study="pruner=optuna.pruners.MedianPruner()").replace(
        "trial.report(loss, step)", "trial.report(loss, step); print(step)"
    )
    (finding,) = lint_source(textwrap.dedent(code), "snippet.py", Settings())
    assert finding.code == "OPL103" and finding.fix is None
