"""The subprocess that runs one variant of an objective: `python -m optuna_lint.verify.worker
SPEC.json`.

In "draw" mode it asks a seeded `RandomSampler` for the parameters of every trial, stopping
each objective at the top of its training loop, and writes them out. In "run" mode it loads the
study the parent created in the storage (the parameters already enqueued), runs the objective
for the trials the parent gave it by number, and stores with each trial, as system attributes,
how many passes of the training loop ran and the pass in which each user attribute was last
set. It always writes a result file saying which device torch saw and what went wrong, if
anything.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from optuna_lint.verify import probe

INDEX_ATTRIBUTE = "optuna_lint:index"  # the trial's place in the draw, set by the parent
WORKER_ATTRIBUTE = "optuna_lint:worker"  # which worker process ran the trial
PASSES_ATTRIBUTE = "optuna_lint:passes"
ERROR_ATTRIBUTE = "optuna_lint:error"  # why the objective raised, for a failed trial
ATTRIBUTES_ATTRIBUTE = "optuna_lint:attributes"
STUDY_ATTRIBUTE_PREFIX = "study:"

# The pruners `--pruner` names, built with Optuna's defaults (PercentilePruner needs its
# percentile: 25, the value of Optuna's own examples).
PRESET_PRUNERS = {
    "median": "MedianPruner()",
    "percentile": "PercentilePruner(25.0)",
    "hyperband": "HyperbandPruner()",
    "successive-halving": "SuccessiveHalvingPruner()",
    "wilcoxon": "WilcoxonPruner()",
    "nop": "NopPruner()",
}


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result: dict[str, Any] = {"device": None, "error": None}
    started = time.perf_counter()
    try:
        result["device"] = _device()
        objective, module = _load_objective(spec)
        if spec["mode"] == "draw":
            result["params"] = _draw(spec, objective)
        else:
            result["startup_trials"] = _run(spec, objective, module)
    except BaseException as error:  # reported to the parent, whatever it is
        result["error"] = "".join(traceback.format_exception_only(type(error), error)).strip()
        result["traceback"] = traceback.format_exc()
    result["wall_time"] = time.perf_counter() - started
    Path(spec["result_path"]).write_text(json.dumps(result))
    return 0 if result["error"] is None else 1


def _device() -> str:
    try:
        import torch
    except ImportError:
        return "cpu (torch not installed)"
    if torch.cuda.is_available():
        return f"cuda ({torch.cuda.get_device_name(0)})"
    return "cpu"


def _load_objective(spec: dict[str, Any]) -> tuple[Callable[..., Any], Any]:
    path = Path(spec["module_path"])
    sys.path[:0] = [str(path.parent), *spec["search_path"]]
    # As if run as `python module.py`: a module that parses its command line on import must
    # not see the worker's own arguments.
    sys.argv = [str(path)]
    module_name = path.stem
    module_spec = importlib.util.spec_from_file_location(module_name, path)
    if module_spec is None or module_spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_name] = module
    with _no_studies_run_on_import():
        module_spec.loader.exec_module(module)
    objective = getattr(module, spec["objective"], None)
    if not callable(objective):
        raise AttributeError(f"{path.name} has no function `{spec['objective']}`")
    return objective, module


@contextlib.contextmanager
def _no_studies_run_on_import() -> Iterator[None]:
    """Module-level code runs when the module is imported; a study it optimizes there would
    train in full every time a variant is loaded. While the module loads, `optimize` returns
    at once."""
    try:
        import optuna
    except ImportError:
        yield
        return
    optimize = optuna.study.Study.optimize
    optuna.study.Study.optimize = lambda self, *arguments, **keywords: None
    try:
        yield
    finally:
        optuna.study.Study.optimize = optimize


def _seed_everything(seed: int) -> None:
    """The same random state for the same trial in both variants, so that they train the same
    models until pruning sets them apart (an objective that seeds itself overrides it)."""
    random.seed(seed)
    try:
        import numpy

        numpy.random.seed(seed % 2**32)
    except ImportError:
        pass
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass


def _draw(spec: dict[str, Any], objective: Callable[..., Any]) -> list[dict[str, Any]]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    probe.start_drawing()
    study = optuna.create_study(
        sampler=optuna.samplers.RandomSampler(seed=spec["seed"]),
        direction=spec["direction"],
    )
    drawn = []
    for _ in range(spec["trials"]):
        trial = study.ask()
        try:
            objective(trial)
        except probe.ParametersDrawn:
            pass
        except Exception:  # the parameters drawn so far are what the trial would get
            pass
        drawn.append(trial.params)
        # A random sampler ignores the history, so the state told does not matter.
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return drawn


def _run(spec: dict[str, Any], objective: Callable[..., Any], module: Any) -> int | None:
    """Run the trials given to this worker; the pruner's `n_startup_trials`, when it has one
    (the report hints at it when it is as many as the trials)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    _record_attributes(optuna)
    storage = optuna.storages.get_storage(spec["storage"])
    study = optuna.load_study(
        study_name=spec["study_name"],
        storage=storage,
        sampler=optuna.samplers.RandomSampler(seed=(spec["seed"] + spec["worker_index"]) % 2**32),
        pruner=_pruner(spec, module, optuna),
    )
    study_id = storage.get_study_id_from_name(spec["study_name"])
    # Optuna's storage cache knows only the trials it has read, and setting a parameter of one
    # it does not know fails; the parent created every trial before the workers started.
    study.get_trials(deepcopy=False)
    # The parent gave each worker its own enqueued trials, by number. Taking trials from
    # Optuna's shared queue instead (`optimize`, `ask`) races on SQLite, which cannot lock the
    # row it reads: two workers pop the same waiting trial, run it twice, and the second
    # fails with "Cannot tell a COMPLETE trial" (optuna/optuna#4621).
    for number in spec["trial_numbers"]:
        trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, number)
        storage.set_trial_state_values(trial_id, optuna.trial.TrialState.RUNNING)
        _run_trial(spec, objective, optuna.Trial(study, trial_id), optuna)
    # Private in Optuna, read for the hint only: MedianPruner and PercentilePruner have it.
    startup_trials = getattr(study.pruner, "_n_startup_trials", None)
    return startup_trials if isinstance(startup_trials, int) else None


def _run_trial(
    spec: dict[str, Any], objective: Callable[..., Any], trial: Any, optuna: Any
) -> None:
    """Run one trial and tell the study how it ended. A trial that raises is stored as FAIL,
    with the reason, and the run goes on, so that both variants run every trial and can be
    compared trial by trial."""
    storage, trial_id = trial.storage, trial._trial_id
    storage.set_trial_system_attr(trial_id, WORKER_ATTRIBUTE, spec["worker_index"])
    index = storage.get_trial(trial_id).system_attrs[INDEX_ATTRIBUTE]
    _seed_everything(spec["seed"] * 100_003 + index)
    probe.begin_trial()
    value, state, reason = None, None, None
    try:
        value = objective(trial)
    except optuna.TrialPruned:
        state = optuna.trial.TrialState.PRUNED
    except Exception as error:
        state = optuna.trial.TrialState.FAIL
        reason = "".join(traceback.format_exception_only(type(error), error)).strip()
    finally:
        record = probe.end_trial()
        if record is not None:
            storage.set_trial_system_attr(trial_id, PASSES_ATTRIBUTE, record.passes)
            storage.set_trial_system_attr(trial_id, ATTRIBUTES_ATTRIBUTE, record.attributes)
    if state is None:
        reason = _not_a_value(value)
        if reason is not None:
            state = optuna.trial.TrialState.FAIL
    if reason is not None:
        # Stored with the trial, so the report can say why trials failed.
        storage.set_trial_system_attr(trial_id, ERROR_ATTRIBUTE, reason[-500:])
    trial.study.tell(trial, value if state is None else None, state=state)


def _not_a_value(value: Any) -> str | None:
    """Why a returned value is not one a single-objective study can store; None when it is."""
    if isinstance(value, str | bytes):
        # Optuna would take "1" for the one-item sequence ["1"].
        return f"the objective returned {_short_repr(value)}, not a float"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"the objective returned {_short_repr(value)}, not a float"
    if math.isnan(number):
        return "the objective returned nan"
    return None


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pruner(spec: dict[str, Any], module: Any, optuna: Any) -> Any:
    """The pruner the study runs with: a preset, the expression the linter found evaluated
    in the module's namespace (so its imports and constants resolve), or None (Optuna's
    default)."""
    namespace = {"optuna": optuna, **vars(optuna.pruners)}
    if spec.get("pruner_preset"):
        return eval(PRESET_PRUNERS[spec["pruner_preset"]], namespace)
    expression = spec.get("pruner_expression")
    if expression is None:
        return None
    if spec.get("pruner_in_module"):
        namespace = {**namespace, **vars(module)}
    try:
        return eval(expression, namespace)
    except Exception as error:
        raise RuntimeError(
            f"cannot build the pruner `{expression}` ({error}); name one with --pruner"
        ) from None


def _record_attributes(optuna: Any) -> None:
    """Note the training-loop pass in which each user attribute is set, on the trial and on
    its study."""
    set_trial_attribute = optuna.trial.Trial.set_user_attr
    set_study_attribute = optuna.study.Study.set_user_attr

    def trial_attribute(self: Any, key: str, value: Any) -> None:
        probe.note_attribute(key)
        set_trial_attribute(self, key, value)

    def study_attribute(self: Any, key: str, value: Any) -> None:
        probe.note_attribute(STUDY_ATTRIBUTE_PREFIX + key)
        set_study_attribute(self, key, value)

    optuna.trial.Trial.set_user_attr = trial_attribute
    optuna.study.Study.set_user_attr = study_attribute


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
