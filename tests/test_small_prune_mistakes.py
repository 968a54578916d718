"""OPL105, OPL109 and OPL112: a check whose answer is dropped, an exception returned instead of
raised, and a check compared by identity."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source

LOOP = textwrap.dedent(
    """\
    import optuna

    def objective(trial: optuna.Trial) -> float:
        for epoch in range(10):
            trial.report(0.5, epoch)
            {check}
        return 0.5
    """
)


def test_bare_should_prune_is_reported_and_wrapped_by_an_unsafe_fix() -> None:
    code = LOOP.format(check="trial.should_prune()")
    assert lint(code) == [
        (
            "OPL105",
            6,
            9,
            "The answer of `trial.should_prune()` is thrown away: nothing raises `TrialPruned`, "
            "so no trial is ever pruned",
        )
    ]
    assert_fix(
        code,
        LOOP.format(check="if trial.should_prune():\n            raise optuna.TrialPruned()"),
        unsafe=True,
    )


def test_bare_should_prune_in_a_helper_the_trial_reaches() -> None:
    code = textwrap.dedent(
        """\
        import optuna

        def step(trial, epoch):
            trial.report(0.5, epoch)
            trial.should_prune()

        def objective(trial):
            for epoch in range(10):
                step(trial, epoch)
            return 0.5

        optuna.create_study().optimize(objective)
        """
    )
    assert codes_and_rows(code) == [("OPL105", 5)]


def test_should_prune_used_as_a_value_is_not_opl105() -> None:
    code = LOOP.format(check="pruned = trial.should_prune()")
    assert "OPL105" not in {finding.code for finding in lint_source(code)}


def test_returned_trial_pruned_is_reported_and_raised_by_a_safe_fix() -> None:
    code = LOOP.format(check="if trial.should_prune():\n            return optuna.TrialPruned()")
    assert lint(code) == [
        (
            "OPL109",
            7,
            20,
            "`TrialPruned` is returned instead of raised: the trial FAILs with the exception "
            "object as its value instead of being pruned",
        )
    ]
    assert_fix(
        code, LOOP.format(check="if trial.should_prune():\n            raise optuna.TrialPruned()")
    )


def test_yielded_trial_pruned_is_reported_without_a_fix() -> None:
    code = (
        "import optuna\n\ndef steps(trial: optuna.Trial):\n    yield optuna.TrialPruned('stop')\n"
    )
    (finding,) = lint_source(code)
    assert (finding.code, finding.location.row, finding.fix) == ("OPL109", 4, None)


def test_trial_pruned_assigned_then_raised_is_silent() -> None:
    code = "import optuna\n\ndef stop():\n    error = optuna.TrialPruned('x')\n    raise error\n"
    assert codes_and_rows(code) == []


@pytest.mark.parametrize(
    ("test", "effect", "fixed"),
    [
        ("is True", "never holds: pruning is silently off", "trial.should_prune()"),
        ("is False", "never holds: pruning is silently off", "not trial.should_prune()"),
        ("is not True", "always holds: every trial is pruned", "not trial.should_prune()"),
        ("is not False", "always holds: every trial is pruned", "trial.should_prune()"),
    ],
)
def test_identity_comparisons_are_reported_and_fixed(test: str, effect: str, fixed: str) -> None:
    raise_if = "\n            raise optuna.TrialPruned()"
    code = LOOP.format(check=f"if trial.should_prune() {test}:{raise_if}")
    assert lint(code) == [
        (
            "OPL112",
            6,
            12,
            f"`trial.should_prune() {test}` compares by identity: Median and Percentile pruners "
            f"answer with a `numpy.bool_`, so once they decide, the test {effect}",
        )
    ]
    assert_fix(code, LOOP.format(check=f"if {fixed}:{raise_if}"))


def test_equality_comparison_is_not_opl112() -> None:
    code = LOOP.format(
        check="if trial.should_prune() == True:\n            raise optuna.TrialPruned()"
    )
    assert codes_and_rows(code) == []


@pytest.mark.parametrize(
    "check", ["loss = 0.5; trial.should_prune()", "if epoch > 2: trial.should_prune()"]
)
def test_bare_should_prune_sharing_its_line_is_reported_without_a_fix(check: str) -> None:
    code = LOOP.format(check=check)
    (finding,) = [f for f in lint_source(code) if f.code == "OPL105"]
    assert (finding.location.row, finding.fix) == (6, None)
