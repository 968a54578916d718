"""OPL104: a prune check whose branch does not raise `TrialPruned`."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source

CODE = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        best = float("inf")
        for epoch in range(40):
            loss = evaluate(epoch)
            best = min(best, loss)
            trial.report(loss, epoch)
            if trial.should_prune():
                {branch}
        return best

    study = optuna.create_study(pruner={pruner})
    study.optimize(objective, n_trials=40)
    """
)
MEDIAN = "optuna.pruners.MedianPruner()"


def code(branch: str, pruner: str = MEDIAN) -> str:
    return CODE.format(branch=branch, pruner=pruner)


@pytest.mark.parametrize(
    ("branch", "consequence"),
    [
        (
            "return best",
            "returns instead of raising `TrialPruned`: a pruned trial is stored as COMPLETE, "
            "with a partial value",
        ),
        (
            "break",
            "breaks out of the loop instead of raising `TrialPruned`: a pruned trial is stored "
            "as COMPLETE, with a partial value",
        ),
        (
            "continue",
            "continues instead of raising `TrialPruned`: a pruned trial trains to the end",
        ),
        ("pass", "only passes: a pruned trial trains to the end"),
        (
            "print('pruned')",
            "does not raise `TrialPruned`: a pruned trial trains to the end",
        ),
    ],
)
def test_each_way_of_not_raising_is_reported_at_the_if(branch: str, consequence: str) -> None:
    assert lint(code(branch)) == [("OPL104", 9, 9, f"`if trial.should_prune():` {consequence}")]


def test_return_becomes_a_raise_as_a_safe_fix() -> None:
    assert_fix(code("return best"), code("raise optuna.TrialPruned()"))


@pytest.mark.parametrize("branch", ["break", "continue", "pass"])
def test_other_exits_are_replaced_by_an_unsafe_fix(branch: str) -> None:
    (finding,) = lint_source(code(branch))
    assert finding.fix is not None and finding.fix.applicability.value == "unsafe"
    assert_fix(code(branch), code("raise optuna.TrialPruned()"), unsafe=True)


def test_falling_through_gets_a_raise_appended() -> None:
    assert_fix(
        code("print('pruned')"),
        code("print('pruned')\n            raise optuna.TrialPruned()"),
        unsafe=True,
    )


@pytest.mark.parametrize(
    "pruner",
    [
        "optuna.pruners.WilcoxonPruner(p_threshold=0.1)",
        "optuna.pruners.PatientPruner(optuna.pruners.WilcoxonPruner(), patience=1)",
        "make_pruner()",
    ],
)
def test_silent_when_returning_may_be_the_pruner_s_documented_use(pruner: str) -> None:
    assert codes_and_rows(code("return best", pruner)) == []


def test_a_flag_tested_before_a_raise_after_the_loop_is_a_raise() -> None:
    deferred = code("stop = True\n            break").replace(
        "    return best\n",
        "    if stop:\n        raise optuna.TrialPruned()\n    return best\n",
    )
    assert "stop = True" in deferred and "if stop:" in deferred
    assert codes_and_rows(deferred) == []


def test_raising_is_silent() -> None:
    assert codes_and_rows(code("raise optuna.TrialPruned()")) == []


def test_checks_in_helpers_hand_the_decision_back_and_are_silent() -> None:
    helper = textwrap.dedent(
        """\
        import optuna

        def should_stop(trial, loss, epoch):
            trial.report(loss, epoch)
            if trial.should_prune():
                return True
            return False

        def objective(trial):
            for epoch in range(10):
                if should_stop(trial, 1.0, epoch):
                    raise optuna.TrialPruned()
            return 1.0

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    )
    assert codes_and_rows(helper) == []


def test_an_annotated_function_no_one_hands_a_trial_is_checked_without_a_study() -> None:
    library = textwrap.dedent(
        """\
        import optuna

        def train(trial: optuna.Trial) -> float:
            for epoch in range(10):
                trial.report(0.5, epoch)
                if trial.should_prune(): return 0.5
            return 0.5
        """
    )
    assert codes_and_rows(library) == [("OPL104", 6)]
    assert_fix(
        library,
        library.replace("return 0.5\n    return", "raise optuna.TrialPruned()\n    return", 1),
    )
