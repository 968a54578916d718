"""Correct code an independent tester wrote against the rules, each of which a rule once
flagged or a fix once broke: the rule must stay silent, or offer no fix."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import codes_and_rows

from optuna_lint import lint_source

STUDY = "\noptuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n"


def silent(code: str, *codes: str) -> None:
    found = codes_and_rows(textwrap.dedent(code) + STUDY)
    assert [c for c in found if not codes or c[0] in codes] == []


@pytest.mark.parametrize(
    "after_check",
    [
        "history.append(val)\n        writer.add_scalar('best', min(history), epoch)",
        "metrics['time'] = 1.0\n        mlflow.log_metrics(metrics, step=epoch)",
    ],
)
def test_a_value_changed_after_the_check_is_not_stale(after_check: str) -> None:
    silent(
        f"""\
        import mlflow
        import optuna
        from torch.utils.tensorboard import SummaryWriter

        def objective(trial):
            writer = SummaryWriter()
            history, metrics = [], {{}}
            for epoch in range(10):
                val = train(epoch)
                metrics["val"] = val
                trial.report(val, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
                {after_check}
            return val
        """,
        "OPL202",
    )


def test_no_move_above_a_report_that_binds_the_value() -> None:
    code = textwrap.dedent(
        """\
        import mlflow
        import optuna

        def objective(trial: optuna.Trial) -> float:
            for step in range(10):
                trial.report(val := step / 10, step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
                mlflow.log_metric("val", val, step=step)
            return val
        """
    )
    (finding,) = lint_source(code)
    assert (finding.code, finding.fix) == ("OPL202", None)


@pytest.mark.parametrize("test", ["== False", "is False", "!= True", "is not True"])
def test_a_negated_comparison_is_not_a_prune_check(test: str) -> None:
    silent(
        f"""\
        import optuna

        def objective(trial):
            for step in range(10):
                trial.report(step / 10, step)
                if trial.should_prune() {test}:
                    continue
                raise optuna.TrialPruned()
            return 1.0
        """,
        "OPL104",
    )


@pytest.mark.parametrize(
    ("branch", "after_loop"),
    [
        (
            "error = optuna.TrialPruned(f'step {step}')\n            break",
            "if error:\n        raise error",
        ),
        ("break", "if trial.should_prune():\n        raise optuna.TrialPruned()"),
        (
            "state['pruned'] = True\n            break",
            "if state['pruned']:\n        raise optuna.TrialPruned()",
        ),
        ("prune_now(trial, step)", "pass"),
    ],
)
def test_a_raise_that_can_still_follow_the_branch(branch: str, after_loop: str) -> None:
    silent(
        f"""\
        import optuna

        def objective(trial):
            error, state = None, {{"pruned": False}}
            for step in range(10):
                trial.report(step / 10, step)
                if trial.should_prune():
                    {branch}
            {after_loop}
            return 1.0
        """,
        "OPL104",
    )


def test_a_factory_returning_the_exception_is_not_opl109() -> None:
    silent(
        """\
        import optuna

        def pruned_error(step):
            return optuna.TrialPruned(f"pruned at {step}")

        def objective(trial):
            for step in range(10):
                trial.report(step, step)
                if trial.should_prune():
                    raise pruned_error(step)
            return 1.0
        """,
    )


def test_torch_functions_returning_numbers_are_not_tensors() -> None:
    silent(
        """\
        import optuna
        import torch

        def objective(trial):
            for step in range(3):
                trial.report(torch.cuda.max_memory_allocated(), step)
                trial.report(torch.numel(weights), step)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            return 1.0
        """,
        "OPL303",
    )


def test_a_study_configured_through_keyword_unpacking_is_not_judged() -> None:
    code = textwrap.dedent(
        """\
        import optuna

        def objective(trial):
            f1 = trial.suggest_float("x", 0, 1)
            return f1

        optuna.create_study(**{"direction": "maximize"}).optimize(objective)
        """
    )
    assert codes_and_rows(code) == []


def test_an_inner_range_built_from_the_outer_index_does_not_repeat() -> None:
    silent(
        """\
        import optuna

        def objective(trial):
            for start in range(0, 30, 10):
                for epoch in range(start, start + 10):
                    trial.report(1.0, epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
            return 1.0
        """,
    )


def test_a_broad_handler_that_prunes_one_error_and_re_raises_the_rest() -> None:
    silent(
        """\
        import optuna

        def objective(trial):
            try:
                return train(trial.suggest_float("lr", 1e-4, 1e-1))
            except Exception as error:
                if "CUDA out of memory" in str(error):
                    raise optuna.TrialPruned() from error
                raise
        """,
        "OPL107",
        "OPL111",
    )


def test_should_prune_called_under_another_name_is_followed_no_further() -> None:
    silent(
        """\
        import optuna

        def objective(trial):
            should_stop = trial.should_prune
            for step in range(10):
                trial.report(step / 10, step)
                if should_stop():
                    raise optuna.TrialPruned()
            return 1.0
        """,
    )


@pytest.mark.slow
def test_a_closed_pipe_ends_the_run_quietly(in_tmp) -> None:
    for index in range(30):
        (in_tmp / f"m{index}.py").write_text(
            "import optuna\n\npruner = optuna.pruners.HyperbandPruner()\n"
        )
    linter = subprocess.Popen(
        [sys.executable, "-m", "optuna_lint", "check", "."],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    linter.stdout.readline()
    linter.stdout.close()
    stderr = linter.stderr.read().decode()
    linter.wait(timeout=60)
    assert "Traceback" not in stderr


def test_integration_fallback_imports_and_shadowed_names() -> None:
    fallback = (
        "try:\n    from optuna_integration import XGBoostPruningCallback\n"
        "except ImportError:\n    from optuna.integration import XGBoostPruningCallback\n"
    )
    assert codes_and_rows(fallback) == []
    shadowed = (
        "import optuna\n\n\ndef get(trial):\n    optuna_integration = {}\n"
        "    return optuna.integration.CatBoostPruningCallback(trial, 'Logloss')\n"
    )
    (finding,) = lint_source(shadowed)
    assert (finding.code, finding.fix) == ("OPL308", None)


def test_module_level_pruners_another_module_may_import() -> None:
    assert codes_and_rows("import optuna\n\nPRUNER = optuna.pruners.HyperbandPruner()\n") == []
    global_pruner = (
        "import optuna\n\n\ndef main():\n    global P\n    P = optuna.pruners.MedianPruner()\n"
        "    return use()\n\n\ndef use():\n    return optuna.create_study(pruner=P)\n"
    )
    assert codes_and_rows(global_pruner) == []


@pytest.mark.parametrize(
    "use",
    [
        "callbacks[0].check_pruned()",
        "checker = callbacks[0].check_pruned\n    checker()",
    ],
)
def test_catboost_check_pruned_reached_another_way(use: str) -> None:
    code = (
        "import optuna\nfrom optuna_integration import CatBoostPruningCallback\n\n\n"
        "def objective(trial: optuna.Trial) -> float:\n"
        "    callbacks = [CatBoostPruningCallback(trial, 'Logloss')]\n"
        f"    model.fit(data, callbacks=callbacks)\n    {use}\n    return 0.0\n"
    )
    assert codes_and_rows(code) == []
