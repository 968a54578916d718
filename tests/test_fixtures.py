"""The runnable fixtures: the fixer turns each flawed objective into its expected fixed version,
and both versions train in a real Optuna study."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import libcst as cst
import pytest

from optuna_lint import Settings, fix_source, lint_paths, lint_source

FIXTURES = Path(__file__).parent.parent / "fixtures"
FIXED = {path.name for path in (FIXTURES / "expected").glob("*.py")}
CLEAN = ["clean_helper.py", "clean_median.py", "clean_no_pruner.py"]


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fix_gives_the_expected_file(name: str) -> None:
    original = (FIXTURES / name).read_text()
    expected = (FIXTURES / "expected" / name).read_text()

    result = fix_source(original, name, unsafe_fixes=True)

    assert result.refusal is None
    assert result.text == expected
    cst.parse_module(result.text)
    assert lint_source(result.text, name) == []
    assert fix_source(result.text, name, unsafe_fixes=True).text == result.text


def test_fixture_findings() -> None:
    findings = lint_paths([FIXTURES], Settings())
    found = [(Path(f.filename).name, f.code, f.location.row, f.location.column) for f in findings]
    assert found == [
        ("broad_except_swallows_prune.py", "OPL107", 81, 5),
        ("hyperband_never_reports.py", "OPL101", 59, 1),
        ("median_check_result_unused.py", "OPL105", 79, 9),
        ("median_check_without_report.py", "OPL102", 78, 12),
        ("median_identity_check.py", "OPL112", 79, 12),
        ("median_logs_after_check.py", "OPL202", 78, 9),
        ("median_never_checks.py", "OPL103", 78, 9),
        ("median_pruner_class_not_instance.py", "OPL306", 84, 16),
        ("median_pruner_class_not_instance.py", "OPL306", 92, 16),
        ("median_returns_on_prune.py", "OPL104", 79, 9),
        ("median_returns_pruned_exception.py", "OPL109", 80, 20),
        ("regression_user_attrs.py", "OPL201", 76, 9),
        ("regression_user_attrs.py", "OPL201", 77, 9),
        ("regression_user_attrs.py", "OPL201", 78, 9),
        ("regression_user_attrs.py", "OPL201", 79, 9),
    ]


@pytest.mark.parametrize("name", CLEAN)
def test_clean_fixtures_have_no_finding(name: str) -> None:
    assert lint_source((FIXTURES / name).read_text(), name) == []


def _load(path: Path, module_name: str):
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FIXED))
def test_original_and_fixed_objectives_train(name: str) -> None:
    """Both versions run in a real study; the fixed one records the values the original loses."""
    optuna = pytest.importorskip("optuna")
    pytest.importorskip("torch")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    sampler_seed = 7

    results, study_attrs = {}, {}
    for label, path in (("original", FIXTURES / name), ("fixed", FIXTURES / "expected" / name)):
        module = _load(path, f"fixture_{label}_{path.stem}")
        study = module.make_study()
        study.sampler = optuna.samplers.RandomSampler(seed=sampler_seed)
        # An objective that raises something else than TrialPruned FAILs its trial; the run
        # goes on, as it does for the verifier.
        study.optimize(module.objective, n_trials=12, catch=(Exception,))
        results[label] = study.trials
        study_attrs[label] = study.user_attrs

    original, fixed = results["original"], results["fixed"]
    failed = optuna.trial.TrialState.FAIL
    assert all(t.state != failed for t in fixed)
    if name not in ("median_returns_pruned_exception.py", "median_pruner_class_not_instance.py"):
        assert all(t.state != failed for t in original)
    if name == "hyperband_never_reports.py":
        assert all(not t.intermediate_values for t in original)
        assert all(len(t.intermediate_values) >= 1 for t in fixed)
    elif name == "broad_except_swallows_prune.py":
        # The handler turns every pruned trial into a COMPLETE one worth infinity ...
        assert all(t.state == optuna.trial.TrialState.COMPLETE for t in original)
        assert any(t.value == float("inf") for t in original)
        # ... re-raising keeps them PRUNED, and no trial is worth infinity.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
        assert all(t.value != float("inf") for t in fixed if t.value is not None)
    elif name == "median_never_checks.py":
        # Reports without a check: every trial trains all its epochs ...
        assert all(len(t.intermediate_values) == module.N_EPOCHS for t in original)
        assert all(t.state == optuna.trial.TrialState.COMPLETE for t in original)
        # ... with the check, some are stopped early.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
    elif name in ("median_check_result_unused.py", "median_check_without_report.py"):
        # A check with nothing reported, or an answer thrown away: nothing is pruned ...
        assert all(t.state == optuna.trial.TrialState.COMPLETE for t in original)
        # ... fixed, the pruner stops trials.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
    elif name == "median_identity_check.py":
        # `is True` never holds for MedianPruner's numpy.bool_ answer: nothing is pruned ...
        assert all(t.state == optuna.trial.TrialState.COMPLETE for t in original)
        # ... the truth value prunes.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
    elif name == "median_returns_pruned_exception.py":
        # A returned exception is not a value: the trials the pruner stops FAIL ...
        assert any(t.state == failed for t in original)
        # ... raised, they are PRUNED.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
    elif name == "median_pruner_class_not_instance.py":
        # The class is not a pruner: every trial FAILs at its first check ...
        assert all(t.state == failed for t in original)
        assert all(len(t.intermediate_values) == 1 for t in original)
        # ... an instance prunes.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
    elif name == "median_logs_after_check.py":
        # The study's entry for a pruned trial is the loss of the epoch it was pruned at only
        # when it is logged before the check.
        def logged_last(trial, study_attrs) -> bool:
            last = trial.intermediate_values[max(trial.intermediate_values)]
            return study_attrs.get(f"val_loss_of_trial_{trial.number}") == last

        for label, expected in (("original", False), ("fixed", True)):
            pruned = [t for t in results[label] if t.state == optuna.trial.TrialState.PRUNED]
            assert pruned
            assert all(logged_last(t, study_attrs[label]) is expected for t in pruned)
    elif name == "median_returns_on_prune.py":
        complete = optuna.trial.TrialState.COMPLETE
        # Returning stores stopped trials as COMPLETE with a partial value ...
        assert all(t.state == complete for t in original)
        assert any(len(t.intermediate_values) < module.N_EPOCHS for t in original)
        # ... raising stores them as PRUNED, and every COMPLETE trial ran all its epochs.
        assert any(t.state == optuna.trial.TrialState.PRUNED for t in fixed)
        assert all(
            len(t.intermediate_values) == module.N_EPOCHS for t in fixed if t.state == complete
        )
    else:
        # val_mse is the mean squared error, the very value reported as the step's loss: on a
        # pruned trial it must belong to the step the trial was pruned at.
        def same_step(trial) -> bool:
            last = trial.intermediate_values[max(trial.intermediate_values)]
            return trial.user_attrs.get("val_mse") == pytest.approx(last, rel=1e-5)

        pruned_fixed = [t for t in fixed if t.state == optuna.trial.TrialState.PRUNED]
        pruned_original = [t for t in original if t.state == optuna.trial.TrialState.PRUNED]
        assert pruned_fixed and pruned_original
        assert all(same_step(t) for t in pruned_fixed)
        assert not any(same_step(t) for t in pruned_original)
