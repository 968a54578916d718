"""OPL107 and OPL111: handlers that swallow `TrialPruned`, and handlers that invent it."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, codes_and_rows, lint

from optuna_lint import lint_source

TRY = textwrap.dedent(
    """\
    import logging

    import optuna

    log = logging.getLogger(__name__)

    def objective(trial: optuna.Trial) -> float:
        loss = 0.0
        try:
            for epoch in range(10):
                loss = step(epoch)
                trial.report(loss, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
        {handlers}
        return loss
    """
)


def code(handlers: str) -> str:
    return TRY.format(handlers=textwrap.indent(textwrap.dedent(handlers), "    ").strip())


def test_broad_handler_swallowing_the_prune_is_reported() -> None:
    source = code(
        """\
        except Exception as error:
            log.warning("failed: %s", error)
            return float("inf")
        """
    )
    assert lint(source) == [
        (
            "OPL107",
            15,
            5,
            "`except Exception:` catches the `TrialPruned` its `try` block can raise and does "
            "not re-raise it: pruned trials are not stored as PRUNED",
        )
    ]


def test_fix_re_raises_before_a_handler_that_only_reports_and_is_safe() -> None:
    handler = 'except Exception as error:\n    log.warning("failed: %s", error)\n    return 1.0\n'
    before = code(handler)
    after = code("except optuna.TrialPruned:\n    raise\n" + handler)
    (finding,) = lint_source(before)
    assert finding.fix.applicability.value == "safe"
    assert_fix(before, after)


def test_fix_is_unsafe_when_the_handler_does_more() -> None:
    before = code("except:\n    cleanup()\n    return 1.0\n")
    (finding,) = lint_source(before)
    assert (finding.code, finding.fix.applicability.value) == ("OPL107", "unsafe")


@pytest.mark.parametrize(
    "handlers",
    [
        "except Exception:\n    raise\n",  # re-raised
        "except Exception as error:\n    log.error(error)\n    raise error\n",
        "except optuna.TrialPruned:\n    raise\nexcept Exception:\n    return 1.0\n",
        "except (ValueError, FloatingPointError):\n    return 1.0\n",  # narrow
        "finally:\n    log.info('done')\n",
    ],
)
def test_silent_handlers(handlers: str) -> None:
    assert [c for c in codes_and_rows(code(handlers)) if c[0] in ("OPL107", "OPL111")] == []


def test_a_try_whose_body_cannot_raise_the_prune_is_silent() -> None:
    source = textwrap.dedent(
        """\
        import optuna

        def objective(trial: optuna.Trial) -> float:
            try:
                data = load()
            except Exception:
                data = None
            return 0.0
        """
    )
    assert codes_and_rows(source) == []


def test_a_helper_that_checks_inside_the_try_counts() -> None:
    source = textwrap.dedent(
        """\
        import optuna

        def fit(trial):
            for epoch in range(3):
                trial.report(1.0, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()

        def objective(trial):
            try:
                fit(trial)
            except BaseException:
                pass
            return 0.0

        optuna.create_study().optimize(objective)
        """
    )
    assert codes_and_rows(source) == [("OPL107", 12)]


def test_broad_handler_raising_trial_pruned_is_opl111_at_the_raise() -> None:
    source = textwrap.dedent(
        """\
        import optuna

        def objective(trial: optuna.Trial) -> float:
            try:
                return train(trial.suggest_float("lr", 1e-4, 1e-1))
            except Exception:
                raise optuna.TrialPruned()
        """
    )
    assert lint(source) == [
        (
            "OPL111",
            7,
            9,
            "`except Exception:` raises `TrialPruned`: every error in the `try` block (a typo, "
            "CUDA out of memory) is stored as a pruned trial and hidden",
        )
    ]
    narrow = source.replace("except Exception:", "except FloatingPointError:")
    assert codes_and_rows(narrow) == []
