"""The per-file facts the traversal produces, read directly: what each later rule relies on."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst

from optuna_lint.engine import Linter
from optuna_lint.facts import CalleeRef, FileFacts, FunctionFacts, ObjectiveRef, PrunerRef
from optuna_lint.gather import gather_facts
from optuna_lint.linking import ProjectModel
from optuna_lint.settings import Settings


def facts_of(code: str) -> FileFacts:
    text = textwrap.dedent(code)
    return gather_facts(cst.parse_module(text), text)


def function(facts: FileFacts, qualname: str) -> FunctionFacts:
    return next(f for f in facts.functions if f.qualname == qualname)


def test_study_settings_are_read_from_literals() -> None:
    facts = facts_of(
        """\
        import optuna

        class Search:
            def __init__(self, url):
                self.study = optuna.create_study(
                    study_name="search", storage=url, load_if_exists=True,
                    directions=["minimize", "maximize"],
                )
        study = optuna.load_study(study_name=NAME, storage="sqlite:///x.db")
        """
    )
    created, loaded = facts.studies
    assert (created.factory, created.binding, created.class_name) == (
        "create_study",
        "self.study",
        "Search",
    )
    assert (created.study_name, created.has_storage, created.load_if_exists) == (
        "search",
        True,
        True,
    )
    assert created.direction_count == 2
    assert (loaded.factory, loaded.binding, loaded.class_name) == ("load_study", "study", None)
    assert (loaded.study_name, loaded.has_storage, loaded.load_if_exists) == (None, True, None)


def test_pruners_built_are_listed_with_whether_a_study_receives_them() -> None:
    facts = facts_of(
        """\
        import optuna
        from optuna.pruners import MedianPruner, HyperbandPruner

        unused = MedianPruner(n_warmup_steps=5)
        pruner = HyperbandPruner()
        study = optuna.create_study(pruner=pruner)
        """
    )
    assert [
        (p.class_name, p.binding, p.given_to_study, p.span.start.row) for p in facts.pruners
    ] == [
        ("MedianPruner", "unused", False, 4),
        ("HyperbandPruner", "pruner", True, 5),
    ]
    assert facts.studies[0].pruner == PrunerRef("class", "HyperbandPruner")


def test_a_pruner_of_a_class_the_file_cannot_tell_is_left_to_the_project_model() -> None:
    facts = facts_of(
        """\
        import optuna
        from pruners import LossPruner

        study = optuna.create_study(pruner=LossPruner(limit=3))
        other = optuna.create_study(pruner=make_pruner())
        """
    )
    assert [study.pruner for study in facts.studies] == [
        PrunerRef("call", callee=CalleeRef("qualified", "pruners.LossPruner")),
        PrunerRef("call", callee=CalleeRef("local", "make_pruner")),
    ]


def test_how_each_prune_check_ends() -> None:
    facts = facts_of(
        """\
        import optuna

        def objective(trial):
            stop = False
            for epoch in range(10):
                while True:
                    if trial.should_prune():
                        raise optuna.TrialPruned()
                    if trial.should_prune():
                        return 0.0
                    if trial.should_prune():
                        break
                if trial.should_prune():
                    continue
                if trial.should_prune():
                    print("pruned")
                if trial.should_prune():
                    stop = True
                    break
            if stop:
                raise optuna.TrialPruned()
            return 1.0
        """
    )
    objective = function(facts, "objective")
    assert [(check.span.start.row, check.exit, check.raises) for check in objective.checks] == [
        (7, "raise", True),
        (9, "return", False),
        # A `raise TrialPruned` can still run after these two (the flag test after the loop).
        (11, "deferred", False),
        (13, "deferred", False),
        (15, "falls_through", False),
        (17, "deferred", True),
    ]
    assert [len(check.loops) for check in objective.checks] == [2, 2, 2, 1, 1, 1]
    assert objective.checks[-1].flags == ("stop",)
    assert objective.flag_raises == ("stop",)
    assert objective.returned == (None, None)


def test_flags_kept_on_an_instance_are_recorded_as_attributes() -> None:
    facts = facts_of(
        """\
        import optuna

        class EvalCallback:
            def __init__(self, trial):
                self.trial = trial
                self.is_pruned = False

            def on_step(self, value, step):
                self.trial.report(value, step)
                if self.trial.should_prune():
                    self.is_pruned = True
                    return False
                return True

        def objective(trial):
            callback = EvalCallback(trial)
            train(callback)
            if callback.is_pruned:
                raise optuna.TrialPruned()
            return callback.best
        """
    )
    init = function(facts, "EvalCallback.__init__")
    assert [(s.variable, s.attribute) for s in init.stores] == [("trial", "self.trial")]
    on_step = function(facts, "EvalCallback.on_step")
    assert [(c.receiver, c.method) for c in on_step.trial_calls] == [
        ("self.trial", "report"),
        ("self.trial", "should_prune"),
    ]
    (check,) = on_step.checks
    assert (check.exit, check.flags, check.raises) == ("return", ("self.is_pruned",), False)
    objective = function(facts, "objective")
    assert objective.flag_raises == ("callback.is_pruned",)
    # The instance keeps the trial, so where it goes is recorded too.
    assert [(h.variable, h.callee, h.binding, h.passed_on) for h in objective.handoffs] == [
        ("trial", CalleeRef("local", "EvalCallback"), "callback", True),
        ("callback", CalleeRef("local", "train"), None, False),
    ]
    assert objective.returned == ("callback.best",)


def test_aliases_of_the_trial() -> None:
    facts = facts_of(
        """\
        import optuna
        from optuna_integration import TorchDistributedTrial

        def objective(trial):
            same = trial
            dist = TorchDistributedTrial(trial)
            dist.report(1.0, 0)
            PyTorchLightningPruningCallback(same, monitor="val_loss")
        """
    )
    objective = function(facts, "objective")
    assert [(a.variable, a.alias) for a in objective.aliases] == [
        ("trial", "same"),
        ("trial", "dist"),
    ]
    assert objective.escapes == ()
    assert [(c.receiver, c.method) for c in objective.trial_calls] == [("dist", "report")]
    (handoff,) = objective.handoffs
    assert (handoff.variable, handoff.passed_on) == ("same", False)


def test_what_optimize_receives() -> None:
    facts = facts_of(
        """\
        import functools
        from functools import partial

        from objectives import Objective

        def train(data, trial, *, epochs):
            pass

        def run(study, data, given):
            study.optimize(train)
            study.optimize(lambda t: train(data, t, epochs=3))
            study.optimize(functools.partial(train, data, epochs=3))
            study.optimize(partial(train, data=data))
            study.optimize(Objective(data))
            wrapped = Objective(data)
            study.optimize(wrapped)
            study.optimize(given)
            study.optimize(objectives[0])
        """
    )
    assert [call.objective for call in facts.optimize_calls] == [
        ObjectiveRef("function", callee=CalleeRef("local", "train")),
        ObjectiveRef("lambda", name="run.<lambda#1>"),
        ObjectiveRef(
            "partial",
            callee=CalleeRef("local", "train"),
            bound_positional=1,
            bound_keywords=("epochs",),
        ),
        ObjectiveRef("partial", callee=CalleeRef("local", "train"), bound_keywords=("data",)),
        ObjectiveRef("instance", callee=CalleeRef("qualified", "objectives.Objective")),
        ObjectiveRef("instance", callee=CalleeRef("qualified", "objectives.Objective")),
        ObjectiveRef("unknown"),
        ObjectiveRef("unknown"),
    ]


def test_relative_imports_keep_their_level() -> None:
    facts = facts_of(
        """\
        from . import loop
        from .loop import fit
        from ..shared.metrics import score as accuracy
        """
    )
    assert dict(facts.imports) == {
        "loop": ".loop",
        "fit": ".loop.fit",
        "accuracy": "..shared.metrics.score",
    }


def test_annotated_functions_are_entry_points_unless_handed_the_trial() -> None:
    facts = facts_of(
        """\
        import optuna

        def sample_params(trial: optuna.Trial) -> dict:
            return {"lr": trial.suggest_float("lr", 1e-4, 1e-1)}

        def evaluate(trial: optuna.trial.Trial, model) -> float:
            return 0.0

        def objective(trial):
            params = sample_params(trial)
            return 0.0
        """
    )
    # `objective` is run by no study here, so nothing says its parameter is a trial.
    model = ProjectModel({"lib.py": facts})
    assert [(h.function.qualname, h.variable) for h in model.entry_points("lib.py")] == [
        ("sample_params", "trial"),
        ("evaluate", "trial"),
    ]
    assert [(h.function.qualname, h.variable) for h in model.trial_holders("lib.py")] == [
        ("sample_params", "trial"),
        ("evaluate", "trial"),
    ]

    facts_with_study = facts_of(
        textwrap.dedent(
            """\
            import optuna

            def sample_params(trial: optuna.Trial) -> dict:
                return {"lr": trial.suggest_float("lr", 1e-4, 1e-1)}

            def objective(trial):
                return sample_params(trial)["lr"]

            optuna.create_study().optimize(objective)
            """
        )
    )
    model = ProjectModel({"run.py": facts_with_study})
    assert [(h.function.qualname, h.variable) for h in model.entry_points("run.py")] == [
        ("objective", "trial")
    ]


def test_a_check_deferred_to_the_function_that_built_the_callback(tmp_path, monkeypatch) -> None:
    """rl-zoo3's pattern: the callback reports, checks and sets a flag; the objective that
    built it raises on the flag once training returns."""
    (tmp_path / "callbacks.py").write_text(
        textwrap.dedent(
            """\
            class TrialEvalCallback(EvalCallback):
                def __init__(self, env, trial):
                    super().__init__(env)
                    self.trial = trial
                    self.is_pruned = False

                def _on_step(self):
                    self.trial.report(self.last_mean_reward, self.eval_idx)
                    if self.trial.should_prune():
                        self.is_pruned = True
                        return False
                    return True
            """
        )
    )
    raising = """\
        import optuna

        from callbacks import TrialEvalCallback

        def objective(trial):
            eval_callback = TrialEvalCallback(make_env(), trial)
            model.learn(callback=eval_callback)
            is_pruned = eval_callback.is_pruned
            if is_pruned:
                raise optuna.TrialPruned()
            return eval_callback.last_mean_reward

        optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
        """
    monkeypatch.chdir(tmp_path)
    for source, raises in (
        (raising, True),
        (raising.replace("raise optuna.TrialPruned()", "pass"), False),
    ):
        (tmp_path / "run.py").write_text(textwrap.dedent(source))
        linter = Linter(Settings())
        files = linter.load_paths([Path(".")], tmp_path)
        model = linter.project_model(files)
        (objective,) = model.objectives("run.py")
        assert objective.function.flag_raises == (
            ("is_pruned", "eval_callback.is_pruned") if raises else ()
        )
        (callback,) = [h for h in model.trial_holders("callbacks.py") if h.function.checks]
        assert callback.variable == "self.trial"
        assert model.check_raises(callback, callback.function.checks[0]) is raises


def test_metric_sinks_after_a_prune_check() -> None:
    facts = facts_of(
        """\
        import mlflow
        import optuna
        import wandb
        from torch.utils.tensorboard import SummaryWriter

        study = optuna.create_study()

        def objective(trial):
            writer = SummaryWriter()
            logger = make_logger()
            for epoch in range(10):
                loss, acc = step()
                trial.report(loss, epoch)
                if trial.should_prune():
                    raise optuna.TrialPruned()
                mlflow.log_metric("loss", loss, step=epoch)
                wandb.log({"acc": acc})
                writer.add_scalar("loss", loss, epoch)
                logger.add_scalar("loss", loss, epoch)
                study.set_user_attr("last_loss", loss)
                mlflow.log_metric("test", evaluate())
            return loss
        """
    )
    objective = function(facts, "objective")
    assert [
        (s.sink, s.receiver, s.key, s.span.start.row, s.check_row, s.stale_name, s.move is not None)
        for s in objective.sinks_after_checks
    ] == [
        ("mlflow.log_metric", "trial", '"loss"', 16, 14, "loss", True),
        ("wandb.log", "trial", None, 17, 14, "acc", True),
        ("SummaryWriter.add_scalar", "trial", '"loss"', 18, 14, "loss", True),
        ("Study.set_user_attr", "trial", '"last_loss"', 20, 14, "loss", True),
    ]
    assert objective.attrs_after_checks == ()
