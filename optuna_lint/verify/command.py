"""The `optuna-lint verify` command line: plan, say what will run, run, judge, report."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from optuna_lint.verify.plan import HAND_FIXED_SUFFIX, ObjectivePlan, TargetError, plan_targets
from optuna_lint.verify.report import describe_plans, json_report, table
from optuna_lint.verify.runner import Runner, RunOptions, StorageError, storage_for_workers
from optuna_lint.verify.verdict import DEFAULT_TOLERANCE, ERROR, NOT_PROVEN, judge
from optuna_lint.verify.worker import PRESET_PRUNERS

EXIT_PROVEN, EXIT_NOT_PROVEN, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a command stopped by Ctrl-C
MAX_SEED = 2**32 - 1  # NumPy's random state, which Optuna's samplers use, takes no larger seed

EPILOG = """\
verify runs the code it is given: each objective, original and fixed, in subprocesses, on
copies in a temporary directory. Your files are never written.

examples:
  optuna-lint verify                         the bundled fixtures
  optuna-lint verify tune.py                 every objective a study runs in tune.py
  optuna-lint verify tune.py:objective       one objective
  optuna-lint verify tune.py --pruner median --trials 30

exit status: 0 every change proven, 1 some change not proven, 2 an error
"""


def main(arguments: Sequence[str]) -> int:
    options = _parser().parse_args(list(arguments))
    try:
        import optuna
        import torch
    except ImportError as error:
        print(
            f"optuna-lint: error: verify needs optuna and torch ({error}); "
            "install them with: pip install 'optuna-lint[verify]'",
            file=sys.stderr,
        )
        return EXIT_ERROR
    if options.device == "cuda" and not torch.cuda.is_available():
        print("optuna-lint: error: --device cuda, but torch sees no CUDA device", file=sys.stderr)
        return EXIT_ERROR

    storage = options.storage
    if storage is not None:
        try:
            storage = storage_for_workers(options.storage, Path.cwd())
        except StorageError as error:
            print(f"optuna-lint: error: --storage {options.storage}: {error}", file=sys.stderr)
            return EXIT_ERROR
        try:
            optuna.storages.get_storage(storage)
        except Exception as error:  # any driver's or SQLAlchemy's error: one line, and stop
            print(
                f"optuna-lint: error: --storage {options.storage}: cannot open it ({error})",
                file=sys.stderr,
            )
            return EXIT_ERROR

    try:
        plans = plan_targets(options.targets, options.direction, options.pruner)
    except TargetError as error:
        print(f"optuna-lint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    # Known before the run, not after minutes of training.
    problem = options.output_file and _output_file_problem(Path(options.output_file), plans)
    if problem:
        print(
            f"optuna-lint: error: --output-file {options.output_file}: {problem}", file=sys.stderr
        )
        return EXIT_ERROR

    # It says what it will run before it runs anything: on stderr, so that JSON on stdout stays
    # a document of its own.
    print(describe_plans(plans, options), file=sys.stderr, flush=True)

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    run_options = RunOptions(
        trials=options.trials,
        seed=options.seed,
        timeout=options.timeout,
        device=options.device,
        storage=storage,
        workers=options.workers,
        pruner_preset=options.pruner,
    )
    runs = []
    # SIGTERM (a CI job cancelled, `timeout`) stops the run as Ctrl-C does: the workers are
    # killed and the temporary directory, with its copies of the user's code, removed.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="optuna-lint-verify-") as workspace:
            runner = Runner(run_options, Path(workspace))
            try:
                for index, plan in enumerate(plans):
                    runs.append(runner.run(plan, index, progress=_progress_factory()))
            finally:
                runner.stop()
    except KeyboardInterrupt:
        print("optuna-lint: verify interrupted; nothing was kept", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    verdicts = [judge(run, options.tolerance) for run in runs]

    if options.output_format == "json":
        output = json_report(runs, verdicts, run_options, options.tolerance)
    else:
        output = table(runs, verdicts)
    if options.output_file:
        try:
            Path(options.output_file).write_text(output + "\n", encoding="utf-8")
        except OSError as error:
            print(
                f"optuna-lint: error: {options.output_file}: cannot write the report: "
                f"{error.strerror or error}",
                file=sys.stderr,
            )
            return EXIT_ERROR
    else:
        print(output)

    outcomes = {verdict.outcome for verdict in verdicts}
    if ERROR in outcomes:
        return EXIT_ERROR
    if NOT_PROVEN in outcomes:
        return EXIT_NOT_PROVEN
    return EXIT_PROVEN


def _output_file_problem(path: Path, plans: list[ObjectivePlan]) -> str | None:
    """Why the report cannot be written to `path`, when it cannot: the report must not replace
    a module, the user's code or one a later run would read as a hand-corrected variant."""
    if path.is_dir():
        return "it is a folder"
    if not path.absolute().parent.is_dir():
        return "its folder does not exist"
    if path.suffix == ".py" and path.exists():
        return "it is a Python module, which the report would overwrite"
    for plan in plans:
        hand_fixed = plan.module.with_name(plan.module.stem + HAND_FIXED_SUFFIX + ".py")
        if path.resolve() == hand_fixed.resolve():
            return f"the name of the hand-corrected variant of {plan.module.name}"
    return None


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optuna-lint verify",
        usage="optuna-lint verify [options] [TARGET ...]",
        description="Run objectives, original and fixed, in real Optuna studies and show what "
        "the fixes change: trials pruned, epochs trained, values kept.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="a folder of objectives, a module, or module.py:objective "
        "(default: the bundled fixtures)",
    )
    parser.add_argument(
        "--pruner",
        choices=sorted(PRESET_PRUNERS),
        help="run both variants with this pruner instead of the one the study is given",
    )
    parser.add_argument(
        "--direction",
        choices=("minimize", "maximize"),
        help="the study's direction when the linter cannot read it",
    )
    parser.add_argument(
        "--trials", type=_whole_number(1), default=12, help="trials per variant (default: 12)"
    )
    parser.add_argument(
        "--seed",
        type=_whole_number(0, MAX_SEED),
        default=0,
        help=f"seed of the parameter draw, 0 to {MAX_SEED}",
    )
    parser.add_argument(
        "--timeout",
        type=_finite_number("a positive, finite number of seconds", above=0.0),
        default=600.0,
        metavar="SECONDS",
        help="time limit of each subprocess (default: 600)",
    )
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument(
        "--storage",
        metavar="URL",
        help="an Optuna storage URL for the studies (default: SQLite in a temporary directory)",
    )
    parser.add_argument(
        "--workers", type=_whole_number(1), default=1, help="worker processes sharing each study"
    )
    parser.add_argument(
        "--tolerance",
        type=_finite_number("a finite number of 0 or more", at_least=0.0),
        default=DEFAULT_TOLERANCE,
        help=f"relative difference allowed between best values (default: {DEFAULT_TOLERANCE})",
    )
    parser.add_argument("--output-format", choices=("table", "json"), default="table")
    parser.add_argument("--output-file", metavar="PATH", help="write the report there")
    return parser


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    """An option's parser for a whole number from `low` (to `high`)."""
    bounds = f"from {low} to {high}" if high is not None else f"of {low} or more"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"takes a whole number {bounds}, not {text}")
        return value

    return parse


def _finite_number(
    wanted: str, above: float | None = None, at_least: float | None = None
) -> Callable[[str], float]:
    """An option's parser for a finite number `above` or `at_least` a bound; `wanted` says
    what it takes."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if (
            not math.isfinite(value)
            or (above is not None and value <= above)
            or (at_least is not None and value < at_least)
        ):
            raise argparse.ArgumentTypeError(f"takes {wanted}, not {text}")
        return value

    return parse


def _progress_factory():
    """A function making a progress bar for a variant's trials, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    def make(description: str, total: int):
        return tqdm(total=total, desc=description, leave=False, file=sys.stderr, unit="trial")

    return make
