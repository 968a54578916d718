"""OPL302 and OPL303: what is given to `report`, its step and its value."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

LOOPS = textwrap.dedent(
    """\
    import optuna
    import torch
    from torch import nn

    criterion = nn.MSELoss()

    def objective(trial: optuna.Trial) -> float:
        loss = 0.0
        for fold in range(5):
            for epoch in range(10):
                output = model(fold, epoch)
                {line}
        return 0.0
    """
)


def test_inner_index_under_an_outer_loop_repeats() -> None:
    assert lint(LOOPS.format(line="trial.report(1.0, epoch)")) == [
        (
            "OPL302",
            12,
            13,
            "`trial.report(...)` reports step `epoch`, which restarts on every pass of the outer "
            "loop over `fold`: Optuna ignores the repeats, so the pruner sees only the first "
            "pass; combine both indexes (`fold * n + epoch`)",
        )
    ]


def test_a_constant_step_in_a_loop_repeats() -> None:
    assert lint(LOOPS.format(line="trial.report(1.0, 0)")) == [
        (
            "OPL302",
            12,
            13,
            "`trial.report(...)` reports step `0` on every pass of its loop: Optuna ignores every "
            "repeat with a warning, so the pruner sees only the first",
        )
    ]


@pytest.mark.parametrize(
    "line",
    [
        "trial.report(1.0, fold * 10 + epoch)",
        "trial.report(1.0, fold)",  # the outer index does not repeat
        "trial.report(1.0, step=counter)",
    ],
)
def test_steps_that_do_not_repeat_are_silent(line: str) -> None:
    assert codes_and_rows(LOOPS.format(line=line)) == []


def test_a_pruning_callback_created_in_a_loop_repeats_its_steps() -> None:
    code = textwrap.dedent(
        """\
        import optuna
        from optuna_integration import XGBoostPruningCallback

        def objective(trial: optuna.Trial) -> float:
            for fold in range(5):
                train(callbacks=[XGBoostPruningCallback(trial, "validation-rmse")])
            return 0.0
        """
    )
    assert lint(code) == [
        (
            "OPL302",
            6,
            26,
            "`XGBoostPruningCallback(...)` is created inside a loop: it reports the model's own "
            "iteration numbers again on every pass, and Optuna ignores the repeats",
        )
    ]


SINGLE = textwrap.dedent(
    """\
    import optuna
    import torch
    from torch import nn

    criterion = nn.MSELoss()

    def objective(trial: optuna.Trial) -> float:
        for epoch in range(10):
            output, target, losses = model(epoch)
            trial.report({value}, epoch)
        return 0.0
    """
)


@pytest.mark.parametrize(
    "value",
    [
        "criterion(output, target)",
        "nn.functional.mse_loss(output, target)",
        "torch.stack(losses).mean()",
        "nn.L1Loss()(output, target)",
    ],
)
def test_tensor_values_are_reported_and_wrapped_in_float(value: str) -> None:
    code = SINGLE.format(value=value)
    assert lint(code) == [
        (
            "OPL303",
            10,
            9,
            "`trial.report(...)` is given a tensor: one of several elements fails, and one on "
            "the GPU forces a device sync at every report",
        )
    ]
    assert_fix(code, SINGLE.format(value=f"float({value})"))


@pytest.mark.parametrize(
    "value",
    ["criterion(output, target).item()", "float(torch.mean(output))", "output.mean()", "score"],
)
def test_python_numbers_and_unknown_values_are_silent(value: str) -> None:
    assert codes_and_rows(SINGLE.format(value=value)) == []


def test_a_name_bound_once_to_a_loss_is_a_tensor() -> None:
    code = SINGLE.format(value="loss").replace(
        "        trial.report", "        loss = criterion(output, target)\n        trial.report"
    )
    assert "loss = criterion" in code
    assert codes_and_rows(code) == [("OPL303", 11)]
