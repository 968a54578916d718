"""`verify` without running anything: what it plans for each target, how it marks the
training loop, and how it judges measured results."""

from __future__ import annotations

import dataclasses
import json
import math
import shutil
import textwrap
from pathlib import Path

import pytest

from optuna_lint.verify.command import main
from optuna_lint.verify.plan import ObjectivePlan, plan_targets
from optuna_lint.verify.report import json_report
from optuna_lint.verify.runner import ObjectiveRun, RunOptions, TrialResult, VariantResult
from optuna_lint.verify.training_loop import PROBE_CALL, instrument
from optuna_lint.verify.verdict import ERROR, NOT_PROVEN, NOTHING_TO_PROVE, PROVEN, judge

FIXTURES = Path(__file__).parent.parent / "fixtures"
CASES = Path(__file__).parent / "verify_cases"
MEDIAN = "optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)"


def test_each_fixture_is_planned_with_its_codes_pruner_and_training_loop() -> None:
    planned = {
        plan.module.name: (
            plan.objective,
            plan.codes,
            plan.skipped,
            plan.original and plan.original.pruner_expression,
            plan.fixed and plan.fixed.pruner_expression,
            plan.original and plan.original.loop_row,
        )
        for plan in plan_targets([str(FIXTURES)], None, None)
    }
    assert planned == {
        "broad_except_swallows_prune.py": ("objective", ("OPL107",), None, MEDIAN, MEDIAN, 67),
        "clean_helper.py": ("objective", (), "nothing to prove: no finding", None, None, None),
        "clean_median.py": ("objective", (), "nothing to prove: no finding", None, None, None),
        "clean_no_pruner.py": ("objective", (), "nothing to prove: no finding", None, None, None),
        "hyperband_never_reports.py": (
            "objective",
            ("OPL101",),
            None,
            "optuna.pruners.HyperbandPruner(min_resource=1, max_resource=N_EPOCHS)",
            "optuna.pruners.HyperbandPruner(min_resource=1, max_resource=N_EPOCHS)",
            76,
        ),
        "median_check_result_unused.py": ("objective", ("OPL105",), None, MEDIAN, MEDIAN, 62),
        "median_check_without_report.py": ("objective", ("OPL102",), None, MEDIAN, MEDIAN, 62),
        "median_identity_check.py": ("objective", ("OPL112",), None, MEDIAN, MEDIAN, 62),
        "median_logs_after_check.py": ("objective", ("OPL202",), None, MEDIAN, MEDIAN, 62),
        "median_never_checks.py": ("objective", ("OPL103",), None, MEDIAN, MEDIAN, 62),
        # The fix changes the study's pruner: each variant runs its own.
        "median_pruner_class_not_instance.py": (
            "objective",
            ("OPL306",),
            None,
            "optuna.pruners.MedianPruner",
            "optuna.pruners.MedianPruner()",
            62,
        ),
        "median_returns_on_prune.py": ("objective", ("OPL104",), None, MEDIAN, MEDIAN, 62),
        "median_returns_pruned_exception.py": ("objective", ("OPL109",), None, MEDIAN, MEDIAN, 62),
        "regression_user_attrs.py": ("objective", ("OPL201",), None, MEDIAN, MEDIAN, 51),
    }


def _copy(folder: Path, *paths: Path) -> Path:
    """Copies in a folder of their own, so that linting them reads no other project."""
    for path in paths:
        shutil.copy(path, folder / path.name)
    return folder


def test_a_hand_corrected_file_beside_a_module_is_its_fixed_variant(tmp_path: Path) -> None:
    cases = CASES / "not_proven"
    folder = _copy(tmp_path, *sorted(cases.glob("*.py")))
    (plan,) = plan_targets([str(folder / "broken_by_hand.py")], None, None)
    assert plan.hand_fixed == folder / "broken_by_hand_fixed.py"
    assert plan.codes == ("OPL103",)
    assert plan.fixed.text.count("raise RuntimeError") == 1
    # The hand-corrected file is not a target of its own in a folder.
    planned = plan_targets([str(folder)], None, None)
    assert [p.module.name for p in planned] == ["broken_by_hand.py", "constant_metric.py"]


def test_one_objective_of_a_module_can_be_named(tmp_path: Path) -> None:
    path = _copy(tmp_path, FIXTURES / "median_never_checks.py") / "median_never_checks.py"
    (plan,) = plan_targets([f"{path}:objective"], None, None)
    assert (plan.objective, plan.codes, plan.skipped) == ("objective", ("OPL103",), None)
    (missing,) = plan_targets([f"{path}:train"], None, None)
    assert missing.skipped == "error: median_never_checks.py has no module-level function `train`"


def test_a_module_without_a_study_has_nothing_to_prove(tmp_path: Path) -> None:
    path = tmp_path / "helpers.py"
    path.write_text("def add(a, b):\n    return a + b\n")
    (plan,) = plan_targets([str(path)], None, None)
    assert plan.skipped == "nothing to prove: no objective a study runs"


def test_the_probe_goes_first_in_the_loop_around_the_report() -> None:
    source = textwrap.dedent(
        """\
        def objective(trial):
            for fold in range(2):
                pass
            for epoch in range(3):
                # train
                loss = 1.0 / (epoch + 1)
                trial.report(loss, epoch)
            return loss
        """
    )
    instrumented = instrument(source, "objective")
    assert instrumented.loop_row == 4
    # The first statement's comment stays on top of it.
    assert instrumented.text == source.replace(
        "        loss = 1.0 / (epoch + 1)\n",
        f"        {PROBE_CALL}\n        loss = 1.0 / (epoch + 1)\n",
    )


def test_the_epochs_inside_cross_validation_folds_and_while_loops_are_counted() -> None:
    folds = textwrap.dedent(
        """\
        def objective(trial):
            for fold in range(3):
                for epoch in range(5):
                    trial.report(1.0, fold * 5 + epoch)
            return 1.0
        """
    )
    assert instrument(folds, "objective").loop_row == 3
    steps = textwrap.dedent(
        """\
        def helper(trial):
            for step in range(3):
                trial.report(1.0, step)

        def objective(trial):
            step = 0
            while step < 12:
                step += 1
            return 1.0
        """
    )
    # The objective's own loop, not the other function's.
    instrumented = instrument(steps, "objective")
    assert instrumented.loop_row == 7
    assert f"        {PROBE_CALL}\n        step += 1\n" in instrumented.text


def test_without_a_loop_the_text_is_unchanged() -> None:
    source = "def objective(trial):\n    return trial.suggest_float('x', 0, 1)\n"
    assert instrument(source, "objective").text == source
    assert instrument(source, "objective").loop_row is None


def _trial(index: int, state: str, passes: int, **attributes: list[int]) -> TrialResult:
    return TrialResult(
        index=index,
        number=index,
        state=state,
        value=1.0 + index if state == "COMPLETE" else None,
        passes=passes,
        steps_reported=passes,
        last_step=passes - 1,
        user_attrs={},
        worker=0,
        error=None,
        attributes=dict(attributes),
    )


def _run(codes: tuple[str, ...], original: list[TrialResult], fixed: list[TrialResult]):
    run = ObjectiveRun(ObjectivePlan(Path("tune.py"), "objective", codes=codes))
    run.variants = {"original": VariantResult(original), "fixed": VariantResult(fixed)}
    return run


def test_pruning_enabled_is_proven_by_a_trial_pruned_only_after_the_fix() -> None:
    original = [_trial(0, "COMPLETE", 5), _trial(1, "COMPLETE", 5)]
    fixed = [_trial(0, "COMPLETE", 5), _trial(1, "PRUNED", 2)]
    verdict = judge(_run(("OPL103",), original, fixed), 0.05)
    assert verdict.outcome == PROVEN
    assert [(c.what, c.proven, c.detail) for c in verdict.claims] == [
        (
            "enables pruning (OPL103)",
            True,
            "1 trial(s) pruned that the original did not prune (pruned: 0 -> 1)",
        ),
        ("no new failures", True, "0 trial(s) failed that did not fail before (failed: 0 -> 0)"),
        ("best value", True, "1 -> 1 (within the tolerance of 5%)"),
    ]


def test_a_fix_that_prunes_nothing_or_fails_trials_is_not_proven() -> None:
    original = [_trial(0, "COMPLETE", 5), _trial(1, "COMPLETE", 5)]
    unchanged = judge(_run(("OPL101",), original, list(original)), 0.05)
    assert unchanged.outcome == NOT_PROVEN
    assert [c.proven for c in unchanged.claims] == [False, True, True]

    failing = judge(_run(("OPL103",), original, [original[0], _trial(1, "FAIL", 2)]), 0.05)
    assert failing.outcome == NOT_PROVEN
    assert failing.claims[1].detail == (
        "1 trial(s) failed that did not fail before (failed: 0 -> 1)"
    )


def test_a_best_value_outside_the_tolerance_is_not_proven() -> None:
    original = [_trial(0, "COMPLETE", 5), _trial(1, "PRUNED", 2)]
    fixed = [dataclasses.replace(_trial(0, "COMPLETE", 5), value=2.0), _trial(1, "COMPLETE", 5)]
    verdict = judge(_run(("OPL112",), original, fixed), 0.05)
    assert verdict.claims[0].proven  # the decision changed on trial 1
    assert verdict.claims[-1].detail == "1 -> 2 (outside the tolerance of 5%)"
    assert verdict.outcome == NOT_PROVEN


def test_the_best_value_leaves_out_original_trials_the_fix_pruned() -> None:
    # OPL104: the original returned trial 0's partial value, the best of its study, where the
    # fixed variant prunes it; that value is what the fix takes away.
    original = [_trial(0, "COMPLETE", 2), _trial(1, "COMPLETE", 5), _trial(2, "COMPLETE", 5)]
    fixed = [_trial(0, "PRUNED", 2), _trial(1, "COMPLETE", 5), _trial(2, "COMPLETE", 5)]
    verdict = judge(_run(("OPL104",), original, fixed), 0.05)
    assert [(c.what, c.proven, c.detail) for c in verdict.claims] == [
        (
            "enables pruning (OPL104)",
            True,
            "1 trial(s) pruned that the original did not prune (pruned: 0 -> 1)",
        ),
        ("no new failures", True, "0 trial(s) failed that did not fail before (failed: 0 -> 0)"),
        (
            "best value",
            True,
            "2 -> 2 (within the tolerance of 5%); left out of the original's: 1 trial(s) the "
            "fixed variant pruned (with them: 1)",
        ),
    ]
    assert verdict.outcome == PROVEN


def test_a_variant_that_ran_out_of_time_is_an_error() -> None:
    original = [_trial(0, "COMPLETE", 5), _trial(1, "COMPLETE", 5)]
    unfinished = dataclasses.replace(_trial(1, "RUNNING", 1), value=None)
    run = _run(("OPL103",), original, [_trial(0, "PRUNED", 2), unfinished])
    run.variants["fixed"].timed_out = True
    run.variants["fixed"].error = "stopped after the time limit of 5 s (--timeout)"
    verdict = judge(run, 0.05)
    assert (verdict.outcome, verdict.reason, verdict.claims) == (
        ERROR,
        "the fixed variant: stopped after the time limit of 5 s (--timeout), 1 trial(s) unfinished",
        [],
    )


def test_a_pruner_waiting_for_more_trials_than_ran_is_named_in_the_claim() -> None:
    original = [_trial(0, "COMPLETE", 5), _trial(1, "COMPLETE", 5)]
    run = _run(("OPL103",), original, list(original))
    run.variants["fixed"].startup_trials = 5
    verdict = judge(run, 0.05)
    assert verdict.outcome == NOT_PROVEN
    assert verdict.claims[0].detail == (
        "0 trial(s) pruned that the original did not prune (pruned: 0 -> 0); hint: the pruner "
        "prunes nothing until 5 trial(s) have completed (n_startup_trials), and only 2 ran: "
        "give --trials more than 5"
    )
    run.variants["fixed"].startup_trials = 1
    assert judge(run, 0.05).claims[0].detail == (
        "0 trial(s) pruned that the original did not prune (pruned: 0 -> 0)"
    )


def test_json_writes_a_number_that_is_not_finite_as_null() -> None:
    infinite = dataclasses.replace(_trial(0, "COMPLETE", 5), value=math.inf)
    run = _run(("OPL103",), [infinite], [infinite])
    options = RunOptions(12, 0, 600.0, "cpu", None, 1, None)
    document = json.loads(json_report([run], [judge(run, 0.05)], options, 0.05))
    fixed = document["objectives"][0]["variants"]["fixed"]
    assert (fixed["best_value"], fixed["trial_results"][0]["value"]) == (None, None)


def test_kept_values_are_proven_when_every_pruned_trial_set_them_in_its_last_pass() -> None:
    # [pass it was last set in, times set]: the original's pruned trial last set it a pass early.
    original = [_trial(0, "COMPLETE", 5, val=[5, 5]), _trial(1, "PRUNED", 3, val=[2, 2])]
    fixed = [_trial(0, "COMPLETE", 5, val=[5, 5]), _trial(1, "PRUNED", 3, val=[3, 3])]
    verdict = judge(_run(("OPL201",), original, fixed), 0.05)
    assert verdict.outcome == PROVEN
    assert verdict.claims[0].detail.startswith(
        "1 of 1 pruned trial(s) hold the values of the pass they were pruned in (original: 0 of 1)"
    )
    stale = judge(_run(("OPL201",), original, original), 0.05)
    assert stale.outcome == NOT_PROVEN


def test_skipped_plans_are_nothing_to_prove_or_errors(tmp_path: Path) -> None:
    path = _copy(tmp_path, FIXTURES / "clean_median.py") / "clean_median.py"
    (clean,) = plan_targets([str(path)], None, None)
    assert judge(ObjectiveRun(clean), 0.05).outcome == NOTHING_TO_PROVE
    (missing,) = plan_targets([f"{path}:nope"], None, None)
    verdict = judge(ObjectiveRun(missing), 0.05)
    assert (verdict.outcome, verdict.reason) == (
        ERROR,
        "clean_median.py has no module-level function `nope`",
    )


def test_a_missing_target_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([str(tmp_path / "absent.py")]) == 2
    assert capsys.readouterr().err == (
        f"optuna-lint: error: {tmp_path / 'absent.py'}: no such file or folder\n"
    )


def test_an_objective_that_is_not_a_module_level_function_is_not_run(tmp_path: Path) -> None:
    path = tmp_path / "tune.py"
    path.write_text(
        "import optuna\n\n\n"
        "class Tuner:\n"
        "    def objective(self, trial):\n"
        "        x = trial.suggest_float('x', 0, 1)\n"
        "        trial.report(x, 0)\n"
        "        if trial.should_prune():\n"
        "            return x\n"
        "        return x\n\n"
        "    def run(self):\n"
        "        study = optuna.create_study(pruner=optuna.pruners.MedianPruner())\n"
        "        study.optimize(self.objective, n_trials=3)\n"
        "        study.optimize(lambda t: t.suggest_float('y', 0, 1), n_trials=3)\n"
    )
    plans = plan_targets([str(path)], None, None)
    assert [(plan.objective, plan.skipped) for plan in plans] == [
        (
            "Tuner.objective",
            "error: not run: verify runs module-level functions that take the trial alone; "
            "`Tuner.objective` is a method",
        ),
        # Its finding has no fix: there is nothing to run.
        ("Tuner.run.<lambda#1>", "nothing to prove: no fix for OPL101"),
    ]


def test_an_objective_that_needs_more_arguments_is_not_run(tmp_path: Path) -> None:
    path = tmp_path / "tune.py"
    path.write_text(
        "import functools\n\nimport optuna\n\n\n"
        "def objective(trial, epochs, scale=1.0):\n"
        "    for epoch in range(epochs):\n"
        "        loss = scale / (epoch + 1)\n"
        "    return loss\n\n\n"
        "study = optuna.create_study(pruner=optuna.pruners.MedianPruner())\n"
        "study.optimize(functools.partial(objective, epochs=3), n_trials=3)\n"
    )
    (plan,) = plan_targets([str(path)], None, None)
    assert plan.skipped == (
        "error: not run: verify runs module-level functions that take the trial alone; "
        "`objective` also needs epochs (the study runs `functools.partial(objective, epochs=3)`)"
    )


def test_an_objective_the_linker_cannot_follow_is_named_as_not_run(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "method_obj.py"
    path.write_text(
        "import optuna\n\n\n"
        "class Tuner:\n"
        "    def objective(self, trial):\n"
        "        return trial.suggest_float('x', 0, 1)\n\n\n"
        "study = optuna.create_study()\n"
        "study.optimize(Tuner().objective, n_trials=3)\n"
    )
    assert main([str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == (
        "optuna-lint verify: nothing will run; no objective has a change to prove:"
    )
    assert captured.err.splitlines()[1:] == [
        f"  {path}:Tuner().objective: not run (nothing to prove): verify runs module-level "
        "functions that take the trial alone; `Tuner().objective` is a method"
    ]
    assert captured.out.splitlines() == [
        f"{path}:Tuner().objective  [nothing to prove]  fixed: -",
        "  not run: verify runs module-level functions that take the trial alone; "
        "`Tuner().objective` is a method",
        "",
        "1 objective(s): 1 nothing to prove",
    ]


def test_a_hand_corrected_file_that_corrects_nothing_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path, CASES / "not_proven" / "broken_by_hand.py")
    shutil.copy(folder / "broken_by_hand.py", folder / "broken_by_hand_fixed.py")
    (plan,) = plan_targets([str(folder / "broken_by_hand.py")], None, None)
    assert plan.skipped == "error: broken_by_hand_fixed.py still has OPL103"
    (folder / "broken_by_hand_fixed.py").write_text("def objective(trial)\n    pass\n")
    (plan,) = plan_targets([str(folder / "broken_by_hand.py")], None, None)
    assert plan.skipped.startswith("error: broken_by_hand_fixed.py: ")


def test_two_studies_in_one_scope_each_keep_their_pruner(tmp_path: Path) -> None:
    objective = (
        "def {name}(trial):\n"
        "    x = trial.suggest_float('x', 0, 1)\n"
        "    for step in range(3):\n"
        "        trial.report(x, step)\n"
        "        if trial.should_prune():\n"
        "            return x\n"
        "    return x\n\n\n"
    )
    path = tmp_path / "two.py"
    path.write_text(
        "import optuna\n\n\n"
        + objective.format(name="a")
        + objective.format(name="b")
        + "sa = optuna.create_study(pruner=optuna.pruners.MedianPruner(n_startup_trials=1))\n"
        "sa.optimize(a, n_trials=10)\n"
        "sb = optuna.create_study(pruner=optuna.pruners.PercentilePruner(25.0))\n"
        "sb.optimize(b, n_trials=10)\n"
    )
    plans = plan_targets([str(path)], None, None)
    assert [
        (p.objective, p.original.pruner_expression, p.fixed.pruner_expression) for p in plans
    ] == [
        (
            "a",
            "optuna.pruners.MedianPruner(n_startup_trials=1)",
            "optuna.pruners.MedianPruner(n_startup_trials=1)",
        ),
        ("b", "optuna.pruners.PercentilePruner(25.0)", "optuna.pruners.PercentilePruner(25.0)"),
    ]


def test_the_direction_the_study_is_written_with_wins(tmp_path: Path) -> None:
    path = _copy(tmp_path, FIXTURES / "median_never_checks.py") / "median_never_checks.py"
    (plan,) = plan_targets([str(path)], "maximize", None)
    assert plan.direction == "minimize"
    unknown = path.read_text().replace('direction="minimize"', "direction=DIRECTION")
    path.write_text("DIRECTION = 'minimize'\n" + unknown)
    (plan,) = plan_targets([str(path)], None, None)
    assert plan.skipped == (
        "error: the linter cannot read the study's direction; give it with --direction"
    )
    (plan,) = plan_targets([str(path)], "maximize", None)
    assert (plan.skipped, plan.direction) == (None, "maximize")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{tmp}"], "{tmp}: the folder holds no Python module"),
        (["{tmp}/notes.txt"], "{tmp}/notes.txt: not a Python module (a .py file)"),
        (["{tmp}/tune.py:"], "{tmp}/tune.py:: no objective named after the ':'"),
        (
            ["--storage", "sqlite://", "{tmp}/tune.py"],
            "--storage sqlite://: an in-memory SQLite database is not shared with the worker "
            "processes; name a file",
        ),
        (
            ["--output-file", "{tmp}/missing/report.json", "{tmp}/tune.py"],
            "--output-file {tmp}/missing/report.json: its folder does not exist",
        ),
        (["--output-file", "{tmp}", "{tmp}/tune.py"], "--output-file {tmp}: it is a folder"),
        (
            ["--output-file", "{tmp}/tune.py", "{tmp}/tune.py"],
            "--output-file {tmp}/tune.py: it is a Python module, which the report would overwrite",
        ),
        (
            ["--output-file", "{tmp}/tune_fixed.py", "{tmp}/tune.py"],
            "--output-file {tmp}/tune_fixed.py: the name of the hand-corrected variant of tune.py",
        ),
    ],
)
def test_targets_and_options_that_name_nothing_to_run_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture, arguments: list[str], message: str
) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("not Python\n")
    (folder / "tune.py").write_text("x = 1\n")
    # The folder itself holds no module once tune.py is left out of it.
    arguments = [a.replace("{tmp}", str(folder)) for a in arguments]
    if arguments == [str(folder)]:
        (folder / "tune.py").unlink()
    assert main(arguments) == 2
    assert (
        capsys.readouterr().err == f"optuna-lint: error: {message.replace('{tmp}', str(folder))}\n"
    )


def test_a_relative_sqlite_file_is_found_from_the_working_directory(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from optuna_lint.verify.runner import StorageError, storage_for_workers

    assert storage_for_workers("sqlite:///mine.db", tmp_path) == f"sqlite:///{tmp_path}/mine.db"
    assert (
        storage_for_workers("sqlite+pysqlite:///runs/mine.db?timeout=30", tmp_path)
        == f"sqlite+pysqlite:///{tmp_path}/runs/mine.db?timeout=30"
    )
    for unchanged in ("sqlite:////data/mine.db", "postgresql://user:secret@host/db"):
        assert storage_for_workers(unchanged, tmp_path) == unchanged
    for in_memory in ("sqlite://", "sqlite:///:memory:"):
        with pytest.raises(StorageError) as raised:
            storage_for_workers(in_memory, tmp_path)
        assert str(raised.value) == (
            "an in-memory SQLite database is not shared with the worker processes; name a file"
        )


def test_a_report_that_would_overwrite_the_verified_module_stops_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    victim = tmp_path / "victim.py"
    shutil.copy(CASES / "quadratic_never_checks.py", victim)
    before = victim.read_bytes()
    assert main(["--output-file", str(victim), str(victim)]) == 2
    # The error alone: not even the announcement of what would run.
    assert capsys.readouterr().err == (
        f"optuna-lint: error: --output-file {victim}: it is a Python module, which the report "
        "would overwrite\n"
    )
    assert victim.read_bytes() == before


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seed", "-1"], "argument --seed: takes a whole number from 0 to 4294967295, not -1"),
        (
            ["--seed", "99999999999"],
            "argument --seed: takes a whole number from 0 to 4294967295, not 99999999999",
        ),
        (["--trials", "0"], "argument --trials: takes a whole number of 1 or more, not 0"),
        (["--workers", "two"], "argument --workers: takes a whole number of 1 or more, not two"),
        (
            ["--timeout", "nan"],
            "argument --timeout: takes a positive, finite number of seconds, not nan",
        ),
        (
            ["--timeout", "inf"],
            "argument --timeout: takes a positive, finite number of seconds, not inf",
        ),
        (
            ["--timeout", "0"],
            "argument --timeout: takes a positive, finite number of seconds, not 0",
        ),
        (
            ["--tolerance", "nan"],
            "argument --tolerance: takes a finite number of 0 or more, not nan",
        ),
        (["--tolerance", "-1"], "argument --tolerance: takes a finite number of 0 or more, not -1"),
    ],
)
def test_an_option_value_out_of_range_is_a_usage_error_naming_that_option(
    capsys: pytest.CaptureFixture, arguments: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*arguments, "tune.py"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"optuna-lint verify: error: {message}"
