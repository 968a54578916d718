"""OPL106: reports and checks that only run once training is over."""

from __future__ import annotations

import textwrap

import pytest
from conftest import codes_and_rows, lint

AFTER = textwrap.dedent(
    """\
    import optuna

    def objective(trial):
        loss = 1.0
        for epoch in range(50):
            loss = train_epoch(epoch)
        trial.report(loss, 50)
        if trial.should_prune():
            raise optuna.TrialPruned()
        return loss

    optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
    """
)


def test_check_after_the_loop_is_reported_at_the_check() -> None:
    assert lint(AFTER) == [
        (
            "OPL106",
            8,
            8,
            "Objective `objective` reports and checks only after its training loop has "
            "finished: the pruner can only stop a trial whose epochs have all run",
        )
    ]


def test_inside_the_loop_is_silent() -> None:
    inside = AFTER.replace(
        "        loss = train_epoch(epoch)\n    trial.report(loss, 50)\n"
        "    if trial.should_prune():\n        raise optuna.TrialPruned()\n",
        "        loss = train_epoch(epoch)\n        trial.report(loss, epoch)\n"
        "        if trial.should_prune():\n            raise optuna.TrialPruned()\n",
    )
    assert inside != AFTER
    assert codes_and_rows(inside) == []


def test_a_helper_called_inside_the_loop_counts_as_inside() -> None:
    code = textwrap.dedent(
        """\
        import optuna

        def check(trial, loss, epoch):
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()

        def objective(trial):
            for epoch in range(50):
                check(trial, 1.0, epoch)
            return 1.0

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    )
    assert codes_and_rows(code) == []


@pytest.mark.parametrize(
    "pruner",
    ["optuna.pruners.NopPruner()", "make_pruner()"],
)
def test_silent_without_a_pruner_that_can_act(pruner: str) -> None:
    code = AFTER.replace("optuna.pruners.MedianPruner()", pruner)
    assert [c for c in codes_and_rows(code) if c[0] == "OPL106"] == []


def test_silent_without_any_loop() -> None:
    code = AFTER.replace(
        "    for epoch in range(50):\n        loss = train_epoch(epoch)\n", "    loss = fit()\n"
    )
    assert codes_and_rows(code) == []
