"""OPL202: metric sinks that run after the prune check."""

from __future__ import annotations

import textwrap

import pytest
from conftest import assert_fix, lint

TEMPLATE = """\
    import mlflow
    import optuna
    import wandb
    from torch.utils.tensorboard import SummaryWriter

    def objective(trial: optuna.Trial):
        writer = SummaryWriter()
        for epoch in range(10):
            loss = train_epoch()
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
            {sink}
        return loss
    """


@pytest.mark.parametrize(
    ("sink", "message"),
    [
        (
            'mlflow.log_metric("loss", loss, step=epoch)',
            '`mlflow.log_metric("loss", ...)` runs after the prune check on line 11: a pruned '
            "trial raises there and never logs `loss`",
        ),
        (
            'wandb.log({"loss": loss})',
            "`wandb.log(...)` runs after the prune check on line 11: a pruned trial raises "
            "there and never logs `loss`",
        ),
        (
            'writer.add_scalar("loss", loss, epoch)',
            '`SummaryWriter.add_scalar("loss", ...)` runs after the prune check on line 11: a '
            "pruned trial raises there and never logs `loss`",
        ),
    ],
)
def test_sink_after_the_check_is_reported(sink: str, message: str) -> None:
    assert lint(TEMPLATE.format(sink=sink)) == [("OPL202", 13, 9, message)]


@pytest.mark.parametrize(
    "sink",
    [
        'logger.add_scalar("loss", loss, epoch)',  # not known to be a TensorBoard writer
        'mlflow.log_metric("test", evaluate(model))',  # computed after the check
        'mlflow.log_param("epochs", 10)',  # not a metric sink
        "print(loss)",
    ],
)
def test_other_calls_after_the_check_are_silent(sink: str) -> None:
    assert lint(TEMPLATE.format(sink=sink)) == []


def test_sink_in_finally_is_silent() -> None:
    code = """\
        import mlflow
        import optuna

        def objective(trial: optuna.Trial):
            loss = 1.0
            try:
                trial.report(loss, 0)
                if trial.should_prune():
                    raise optuna.TrialPruned()
            finally:
                mlflow.log_metric("loss", loss)
            return loss
        """
    assert lint(code) == []


def test_fix_moves_the_sink_before_the_report() -> None:
    before = TEMPLATE.format(sink='mlflow.log_metric("loss", loss, step=epoch)')
    after = before.replace(
        """\
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
            mlflow.log_metric("loss", loss, step=epoch)
""",
        """\
            mlflow.log_metric("loss", loss, step=epoch)
            trial.report(loss, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
""",
    )
    assert after != before
    assert_fix(before, after)


def test_the_trial_s_own_study_is_a_sink() -> None:
    code = TEMPLATE.format(sink='trial.study.set_user_attr("last_loss", loss)')
    assert [(c, row) for c, row, *_ in lint(code)] == [("OPL202", 13)]


def test_a_writer_kept_on_the_instance_is_a_sink() -> None:
    code = """\
        import optuna
        from torch.utils.tensorboard import SummaryWriter

        class Search:
            def __init__(self):
                self.writer = SummaryWriter()

            def objective(self, trial: optuna.Trial) -> float:
                for epoch in range(10):
                    loss = train_epoch()
                    trial.report(loss, epoch)
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                    self.writer.add_scalar("loss", loss, epoch)
                return loss
        """
    assert [(c, row) for c, row, *_ in lint(code)] == [("OPL202", 14)]


@pytest.mark.parametrize(
    ("patterns", "sink", "shown"),
    [
        (("neptune.log_*",), 'neptune.log_metric("loss", loss)', 'neptune.log_metric("loss", '),
        (("*.log_metrics",), 'run.log_metrics({"loss": loss})', "run.log_metrics("),
        # The qualified name is matched when an import resolves the call.
        (
            ("clearml.Logger.report_scalar",),
            "Logger.report_scalar(loss)",
            "clearml.Logger.report_scalar(",
        ),
    ],
)
def test_the_user_s_metric_sinks_are_sinks(patterns, sink: str, shown: str) -> None:
    code = "from clearml import Logger\nimport neptune\n" + textwrap.dedent(TEMPLATE).format(
        sink=sink
    )
    assert lint(code, metric_sinks=patterns) == [
        (
            "OPL202",
            15,
            9,
            f"`{shown}...)` runs after the prune check on line 13: a pruned trial raises there "
            "and never logs `loss`",
        )
    ]
    # Without the pattern the call is an unknown function, and silent.
    assert lint(code) == []


def test_a_pattern_that_matches_nothing_keeps_other_calls_silent() -> None:
    code = TEMPLATE.format(sink='run.log_metrics({"loss": loss})')
    assert lint(code, metric_sinks=("neptune.*", "run.log")) == []


def test_the_message_names_the_step_s_value_rather_than_the_trial() -> None:
    code = TEMPLATE.format(sink='trial.study.set_user_attr(f"loss_{trial.number}", loss)')
    assert lint(code) == [
        (
            "OPL202",
            13,
            9,
            "`Study.set_user_attr(...)` runs after the prune check on line 11: a pruned trial "
            "raises there and never logs `loss`",
        )
    ]
