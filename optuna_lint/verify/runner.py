"""Run the variants of an objective in worker subprocesses and read back what their studies
stored.

Each objective gets one parameter draw, shared by both variants: the draw's parameter sets
are enqueued, in order, in each variant's study before its workers start. The studies live in
a real Optuna RDB storage (a SQLite file in the temporary directory unless a URL is given),
and everything measured is read back from that storage, not from the workers' memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optuna_lint.verify.plan import ObjectivePlan, Variant
from optuna_lint.verify.project_copy import (
    copy_source,
    module_in_copy,
    working_directory_in_copy,
)
from optuna_lint.verify.worker import (
    ATTRIBUTES_ATTRIBUTE,
    ERROR_ATTRIBUTE,
    INDEX_ATTRIBUTE,
    PASSES_ATTRIBUTE,
    WORKER_ATTRIBUTE,
)

VARIANTS = ("original", "fixed")
STDERR_LOG = "stderr.log"  # what a worker wrote on stderr, beside its result file


@dataclass(frozen=True)
class RunOptions:
    trials: int
    seed: int
    timeout: float  # seconds, for each subprocess run
    device: str  # "auto", "cpu" or "cuda"
    storage: str | None  # None: a SQLite file in the temporary directory
    workers: int
    pruner_preset: str | None


@dataclass(frozen=True)
class TrialResult:
    index: int | None  # its position in the draw (None: not one of the enqueued trials)
    number: int
    state: str  # "COMPLETE", "PRUNED", "FAIL", "RUNNING", ...
    value: float | None
    passes: int | None  # training-loop passes the probe counted
    steps_reported: int
    last_step: int | None  # the step of its last report
    user_attrs: dict[str, Any]  # the trial's user attributes as the storage holds them
    worker: int | None  # the worker process that ran it
    error: str | None  # why the objective raised, when the trial failed
    # key -> [the pass it was last set in, how many times it was set]; study attributes are
    # prefixed "study:"
    attributes: dict[str, list[int]]


@dataclass
class VariantResult:
    trials: list[TrialResult] = field(default_factory=list)
    wall_time: float = 0.0
    device: str | None = None
    error: str | None = None
    timed_out: bool = False
    study_name: str = ""
    startup_trials: int | None = None  # the pruner's n_startup_trials, when it has one

    def count(self, state: str) -> int:
        return sum(trial.state == state for trial in self.trials)

    def failure_reasons(self) -> list[tuple[str, int]]:
        """Why trials failed, the most frequent reason first."""
        reasons = Counter(t.error or "no reason stored" for t in self.trials if t.state == "FAIL")
        return reasons.most_common()

    @property
    def unfinished(self) -> int:
        """Trials left waiting or running when the workers stopped."""
        return sum(trial.state in ("WAITING", "RUNNING") for trial in self.trials)

    @property
    def passes(self) -> int | None:
        counted = [t.passes for t in self.trials if t.passes is not None]
        return sum(counted) if counted else None

    def best_value(self, direction: str) -> float | None:
        values = [t.value for t in self.trials if t.state == "COMPLETE" and t.value is not None]
        if not values:
            return None
        return min(values) if direction == "minimize" else max(values)


@dataclass(frozen=True)
class VariantCopy:
    """A variant's copy of the user's files: the module in it, and the working directory."""

    module: Path
    working_directory: Path


@dataclass
class ObjectiveRun:
    plan: ObjectivePlan
    params: list[dict[str, Any]] = field(default_factory=list)
    variants: dict[str, VariantResult] = field(default_factory=dict)
    error: str | None = None


class Runner:
    def __init__(self, options: RunOptions, workspace: Path) -> None:
        self.options = options
        self.workspace = workspace
        self.storage = options.storage or f"sqlite:///{workspace / 'verify.db'}"
        self.environment = _environment(options.device)
        self._running: set[subprocess.Popen] = set()

    def stop(self) -> None:
        """Kill every worker still running (the run was interrupted)."""
        for process in list(self._running):
            if process.poll() is None:
                process.kill()
                process.wait()
        self._running.clear()

    def run(self, plan: ObjectivePlan, index: int, progress: Any = None) -> ObjectiveRun:
        """Run both variants of a planned objective; `progress(description, total)`, when
        given, makes a progress bar for each variant's trials."""
        result = ObjectiveRun(plan)
        if plan.skipped is not None:
            return result
        folder = self.workspace / f"{index:02d}-{plan.module.stem}-{plan.objective}"
        paths = {}
        try:
            for label in VARIANTS:
                paths[label] = self._copy(plan, getattr(plan, label), folder / label)
            self._run_both(plan, paths, folder, result, progress)
        except Exception as error:  # the storage went away, the disk filled: this objective only
            result.error = f"the run stopped: {type(error).__name__}: {error}"
        return result

    def _copy(self, plan: ObjectivePlan, variant: Variant, destination: Path) -> VariantCopy:
        """Copy the user's files the variant runs among, the variant in place of the module."""
        assert plan.copy_source is not None
        copy_source(plan.copy_source, destination)
        module = module_in_copy(plan.copy_source, destination, plan.module)
        module.write_bytes(variant.source.encode(variant.text))
        working_directory = working_directory_in_copy(
            plan.copy_source, destination, plan.module, Path.cwd()
        )
        return VariantCopy(module, working_directory)

    def _run_both(
        self,
        plan: ObjectivePlan,
        paths: dict[str, Path],
        folder: Path,
        result: ObjectiveRun,
        progress: Any,
    ) -> None:
        drawn = self._worker(plan, paths["original"], folder / "draw", {"mode": "draw"})
        if drawn.get("error"):
            result.error = f"drawing the parameters failed: {drawn['error']}"
            return
        result.params = drawn["params"]

        for label in VARIANTS:
            variant = getattr(plan, label)
            bar = progress(f"{plan.name} {label}", len(result.params)) if progress else None
            try:
                result.variants[label] = self._run_variant(
                    plan, variant, paths[label], folder / f"run-{label}", result.params, bar
                )
            finally:
                if bar is not None:
                    bar.close()

    def _run_variant(
        self,
        plan: ObjectivePlan,
        variant: Variant,
        copy: VariantCopy,
        folder: Path,
        params: list[dict[str, Any]],
        progress: Any,
    ) -> VariantResult:
        import optuna

        suffix = uuid.uuid4().hex[:8]
        study_name = f"optuna-lint-verify-{plan.module.stem}-{plan.objective}-{suffix}"
        study = optuna.create_study(
            study_name=study_name, storage=self.storage, direction=plan.direction
        )
        for parameters in params:
            study.enqueue_trial(parameters)
        # Each enqueued trial is tagged with its place in the draw, which pairs it with the
        # other variant's trial of the same parameters.
        storage = optuna.storages.get_storage(self.storage)
        study_id = storage.get_study_id_from_name(study_name)
        # Each worker runs the trials given to it here, by number, in the draw's order: the
        # workers never take trials from Optuna's shared queue, which races on SQLite.
        workers = min(self.options.workers, len(params))
        assigned: list[list[int]] = [[] for _ in range(workers)]
        for index, trial in enumerate(study.get_trials(deepcopy=False)):
            trial_id = storage.get_trial_id_from_study_id_trial_number(study_id, trial.number)
            storage.set_trial_system_attr(trial_id, INDEX_ATTRIBUTE, index)
            assigned[index % workers].append(trial.number)
        spec = {
            "mode": "run",
            "storage": self.storage,
            "study_name": study_name,
            "pruner_expression": variant.pruner_expression,
            "pruner_in_module": variant.pruner_in_module,
            "pruner_preset": self.options.pruner_preset,
        }
        started = time.perf_counter()
        outcomes = self._workers(plan, copy, folder, spec, assigned, study, progress)
        result = VariantResult(wall_time=time.perf_counter() - started, study_name=study_name)
        result.device = next((o.get("device") for o in outcomes if o.get("device")), None)
        result.timed_out = any(o.get("timed_out") for o in outcomes)
        result.startup_trials = next(
            (o["startup_trials"] for o in outcomes if o.get("startup_trials") is not None), None
        )
        errors = [o["error"] for o in outcomes if o.get("error")]
        result.error = errors[0] if errors else None
        result.trials = _read_back(study_name, self.storage)
        return result

    def _workers(
        self,
        plan: ObjectivePlan,
        copy: VariantCopy,
        folder: Path,
        spec: dict[str, Any],
        assigned: list[list[int]],
        study: Any,
        progress: Any,
    ) -> list[dict[str, Any]]:
        """Start the workers on one study, each on the trial numbers assigned to it, and wait
        for them all, within the time limit."""
        folder.mkdir(parents=True)
        running = []
        for worker, numbers in enumerate(assigned):
            worker_spec = {**spec, "trial_numbers": numbers}
            running.append(self._start(plan, copy, folder / f"worker{worker}", worker_spec, worker))
        from optuna.trial import TrialState

        finished_states = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
        deadline = time.monotonic() + self.options.timeout
        killed = False
        done = 0
        while any(process.poll() is None for process, _ in running):
            if time.monotonic() > deadline:
                for process, _ in running:
                    process.kill()
                killed = True
                break
            time.sleep(0.2)
            if progress is not None:
                finished = len(study.get_trials(deepcopy=False, states=finished_states))
                progress.update(finished - done)
                done = finished
        outcomes = []
        for process, result_path in running:
            process.wait()
            self._running.discard(process)
            outcome = _read_result(result_path, process.returncode)
            if killed and "wall_time" not in outcome:
                outcome["timed_out"] = True
                outcome["error"] = self._timed_out()
            outcomes.append(outcome)
        return outcomes

    def _worker(
        self, plan: ObjectivePlan, copy: VariantCopy, folder: Path, spec: dict[str, Any]
    ) -> dict[str, Any]:
        folder.mkdir(parents=True)
        process, result_path = self._start(plan, copy, folder, spec, 0)
        try:
            process.wait(timeout=self.options.timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return {"error": self._timed_out(), "timed_out": True}
        finally:
            self._running.discard(process)
        return _read_result(result_path, process.returncode)

    def _timed_out(self) -> str:
        return f"stopped after the time limit of {self.options.timeout:g} s (--timeout)"

    def _start(
        self,
        plan: ObjectivePlan,
        copy: VariantCopy,
        folder: Path,
        spec: dict[str, Any],
        worker: int,
    ) -> tuple[subprocess.Popen, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        full_spec = {
            **spec,
            "module_path": str(copy.module),
            # Sibling modules the copy lacks (the module was copied alone) are imported from
            # where they are.
            "search_path": [str(plan.module.resolve().parent)],
            "objective": plan.objective,
            "direction": plan.direction,
            "trials": self.options.trials,
            "seed": self.options.seed,
            "workers": self.options.workers,
            "worker_index": worker,
            "result_path": str(folder / "result.json"),
        }
        spec_path = folder / "spec.json"
        spec_path.write_text(json.dumps(full_spec))
        with (
            (folder / "stdout.log").open("wb") as stdout,
            (folder / STDERR_LOG).open("wb") as stderr,
        ):
            process = subprocess.Popen(
                [sys.executable, "-m", "optuna_lint.verify.worker", str(spec_path)],
                # Where the user runs verify, in the copy: paths relative to it resolve there.
                cwd=copy.working_directory,
                env=self.environment,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        self._running.add(process)
        return process, folder / "result.json"


class StorageError(ValueError):
    """A storage URL the worker processes cannot share."""


def storage_for_workers(url: str, working_directory: Path) -> str:
    """The storage URL as the workers get it. They run in a temporary directory, so a relative
    SQLite file is made absolute against the user's working directory; an in-memory SQLite
    database, which no other process sees, raises `StorageError`."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # opening it says what is wrong
    if parsed.get_backend_name() != "sqlite":
        return url
    database = parsed.database or ":memory:"
    if database == ":memory:" or database.startswith("file::memory:"):
        raise StorageError(
            "an in-memory SQLite database is not shared with the worker processes; name a file"
        )
    if parsed.query.get("uri") == "true" or Path(database).is_absolute():
        return url
    absolute = parsed.set(database=str(working_directory / database))
    return absolute.render_as_string(hide_password=False)


def _environment(device: str) -> dict[str, str]:
    environment = dict(os.environ)
    # The user's folders get no `__pycache__` from the modules the workers import.
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    if device == "cpu":
        environment["CUDA_VISIBLE_DEVICES"] = ""
    return environment


def _read_result(path: Path, returncode: int | None) -> dict[str, Any]:
    """What the worker wrote in its result file; an error it met ends with the last lines it
    wrote on stderr (a module's `argparse` says there why it exited)."""
    try:
        outcome = json.loads(path.read_text())
    except (OSError, ValueError):
        # The objective ended the process itself (os._exit, a crash in native code).
        status = f" with exit status {returncode}" if returncode is not None else ""
        outcome = {"error": f"the worker died{status}"}
    stderr = _last_lines(path.with_name(STDERR_LOG))
    if outcome.get("error") and stderr:
        outcome["error"] += f" (stderr: {stderr})"
    return outcome


def _last_lines(path: Path, count: int = 3, width: int = 200) -> str:
    """The last non-blank lines of a log, each cut to `width`, on one line."""
    try:
        lines = [line.strip() for line in path.read_text(errors="replace").splitlines()]
    except OSError:
        return ""
    return " / ".join([line[:width] for line in lines if line][-count:])


def _read_back(study_name: str, storage: str) -> list[TrialResult]:
    import optuna

    study = optuna.load_study(study_name=study_name, storage=storage)
    trials = []
    for trial in study.get_trials(deepcopy=False):
        trials.append(
            TrialResult(
                index=trial.system_attrs.get(INDEX_ATTRIBUTE),
                number=trial.number,
                state=trial.state.name,
                # A pruned trial holds its last reported value, as Optuna stores it.
                value=trial.value,
                passes=trial.system_attrs.get(PASSES_ATTRIBUTE),
                steps_reported=len(trial.intermediate_values),
                last_step=max(trial.intermediate_values, default=None),
                user_attrs=dict(trial.user_attrs),
                worker=trial.system_attrs.get(WORKER_ATTRIBUTE),
                error=trial.system_attrs.get(ERROR_ATTRIBUTE),
                attributes=trial.system_attrs.get(ATTRIBUTES_ATTRIBUTE, {}),
            )
        )
    return trials
