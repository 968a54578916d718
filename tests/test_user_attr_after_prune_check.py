"""OPL201: `trial.set_user_attr(...)` after a prune check that can raise."""

from __future__ import annotations

import pytest
from conftest import assert_fix, codes_and_rows, lint


def objective_with(body: str) -> str:
    """A module whose objective runs `body` (indented four spaces) under a MedianPruner."""
    indented = "".join("    " + line if line.strip() else line for line in body.splitlines(True))
    return (
        "import optuna\n\n\ndef objective(trial):\n" + indented + "    return 0.0\n\n\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"
    )


CHECK = (
    "    trial.report(loss, epoch)\n"
    "    if trial.should_prune():\n"
    "        raise optuna.TrialPruned()\n"
)


def test_message_names_call_check_line_and_value() -> None:
    code = objective_with(
        "for epoch in range(3):\n    loss, acc = step()\n"
        + CHECK
        + "    trial.set_user_attr('acc', acc)\n"
    )
    assert lint(code) == [
        (
            "OPL201",
            10,
            9,
            "`trial.set_user_attr('acc', ...)` runs after the prune check on line 8: a pruned "
            "trial raises there and never stores `acc`",
        )
    ]


def test_message_names_the_key_of_any_string_literal_else_the_value() -> None:
    code = objective_with(
        "for epoch in range(3):\n    loss = step()\n"
        + CHECK
        + "    trial.set_user_attr(f'loss_{epoch}', loss)\n"
        + '    trial.set_user_attr("""val # noqa""", loss)\n'
    )
    messages = [message for *_, message in lint(code)]
    assert messages == [
        "`trial.set_user_attr(..., ...)` runs after the prune check on line 8: a pruned trial "
        "raises there and never stores `loss`",
        '`trial.set_user_attr("""val # noqa""", ...)` runs after the prune check on line 8: a '
        "pruned trial raises there and never stores `val # noqa`",
    ]


@pytest.mark.parametrize(
    ("after_check", "expected_rows"),
    [
        ("    trial.set_user_attr('loss', loss)\n", [10]),
        ("    trial.set_user_attr('loss', float(loss))\n", [10]),
        ("    trial.set_user_attr('loss', loss.item())\n", [10]),
        ("    trial.set_user_attr(f'loss_{epoch}', loss)\n", [10]),
        ("    trial.set_user_attr('n', trial.number)\n", [10]),
        # values computed after the check, or in the call itself
        ("    extra = loss * 2\n    trial.set_user_attr('extra', extra)\n", []),
        ("    trial.set_user_attr('test', evaluate(model))\n", []),
        # literal markers
        ("    trial.set_user_attr('done', True)\n", []),
        ("    trial.set_user_attr('note', 'epoch finished')\n", []),
        # another branch, or a different variable
        ("    other.set_user_attr('loss', loss)\n", []),
    ],
)
def test_in_the_same_iteration(after_check: str, expected_rows: list[int]) -> None:
    code = objective_with("for epoch in range(3):\n    loss = step()\n" + CHECK + after_check)
    assert [row for code_, row in codes_and_rows(code) if code_ == "OPL201"] == expected_rows


def test_after_the_loop_only_values_from_before_the_check() -> None:
    code = objective_with(
        "best = 0.0\nfor epoch in range(3):\n    loss = step()\n" + CHECK + "    late = loss\n"
        "test_loss = evaluate()\n"
        "trial.set_user_attr('best', best)\n"
        "trial.set_user_attr('test_loss', test_loss)\n"
        "trial.set_user_attr('late', late)\n"
    )
    assert codes_and_rows(code) == [("OPL201", 13)]


def test_silent_before_the_check_in_another_branch_and_in_finally() -> None:
    code = objective_with(
        "for epoch in range(3):\n"
        "    loss = step()\n"
        "    trial.set_user_attr('before', loss)\n"
        "    if loss > 1:\n"
        "        trial.report(loss, epoch)\n"
        "        if trial.should_prune():\n"
        "            raise optuna.TrialPruned()\n"
        "    else:\n"
        "        trial.set_user_attr('other_branch', loss)\n"
        "try:\n"
        "    pass\n"
        "finally:\n"
        "    trial.set_user_attr('always', loss)\n"
    )
    assert lint(code) == []


def test_check_that_does_not_raise_does_not_count() -> None:
    code = objective_with(
        "for epoch in range(3):\n    loss = step()\n    trial.report(loss, epoch)\n"
        "    if trial.should_prune():\n        break\ntrial.set_user_attr('loss', loss)\n"
    )
    # The check itself is OPL104's finding; OPL201 has nothing to say.
    assert lint(code, select=("OPL201",)) == []


def test_flag_set_at_the_check_and_raised_later() -> None:
    code = objective_with(
        "pruned = False\n"
        "for epoch in range(3):\n"
        "    loss = step()\n"
        "    trial.report(loss, epoch)\n"
        "    if trial.should_prune():\n"
        "        pruned = True\n"
        "        break\n"
        "trial.set_user_attr('before_raise', loss)\n"
        "if pruned:\n"
        "    raise optuna.TrialPruned()\n"
        "trial.set_user_attr('after_raise', loss)\n"
    )
    assert codes_and_rows(code) == [("OPL201", 15)]
    (finding,) = __import__("optuna_lint").lint_source(code)
    assert finding.fix is None  # not in the same block as the check


def test_annotated_helper_with_no_study_is_checked() -> None:
    code = (
        "import optuna\n\n\n"
        "def train(trial: optuna.Trial, epochs: int) -> None:\n"
        "    for epoch in range(epochs):\n"
        "        loss = step()\n"
        "        trial.report(loss, epoch)\n"
        "        if trial.should_prune():\n"
        "            raise optuna.TrialPruned()\n"
        "        trial.set_user_attr('loss', loss)\n"
    )
    assert codes_and_rows(code) == [("OPL201", 10)]


def test_plain_function_that_is_not_an_objective_is_not_checked() -> None:
    code = (
        "import optuna\n\n\n"
        "def train(trial):\n"
        "    loss = step()\n"
        "    if trial.should_prune():\n"
        "        raise optuna.TrialPruned()\n"
        "    trial.set_user_attr('loss', loss)\n"
    )
    assert lint(code) == []


def test_fix_moves_calls_with_comments_before_the_report() -> None:
    assert_fix(
        """\
        import optuna


        def objective(trial):
            for epoch in range(3):
                loss, r2 = step()

                trial.report(loss, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

                # metrics for the dashboard
                trial.set_user_attr("loss", loss)  # per epoch
                trial.set_user_attr("r2", r2)

            return loss


        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """,
        """\
        import optuna


        def objective(trial):
            for epoch in range(3):
                loss, r2 = step()

                # metrics for the dashboard
                trial.set_user_attr("loss", loss)  # per epoch
                trial.set_user_attr("r2", r2)
                trial.report(loss, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

            return loss


        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """,
    )


def test_fix_moves_before_a_check_without_report_and_keeps_crlf() -> None:
    before = (
        "import optuna\r\n\r\n\r\ndef objective(trial):\r\n    loss = step()\r\n"
        "    if trial.should_prune():\r\n        raise optuna.TrialPruned()\r\n"
        "    trial.set_user_attr('loss', loss)\r\n    return loss\r\n\r\n\r\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\r\n"
    )
    after = (
        "import optuna\r\n\r\n\r\ndef objective(trial):\r\n    loss = step()\r\n"
        "    trial.set_user_attr('loss', loss)\r\n"
        "    if trial.should_prune():\r\n        raise optuna.TrialPruned()\r\n"
        "    return loss\r\n\r\n\r\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\r\n"
    )
    assert_fix(before, after)


def test_no_fix_after_the_loop() -> None:
    from optuna_lint import lint_source

    code = objective_with(
        "for epoch in range(3):\n    loss = step()\n"
        + CHECK
        + "trial.set_user_attr('loss', loss)\n"
    )
    (finding,) = lint_source(code)
    assert (finding.code, finding.fix) == ("OPL201", None)
