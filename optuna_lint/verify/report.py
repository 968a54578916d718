"""What `verify` prints: the plan before it runs, then a table or a JSON document of every
number measured and the verdict of each objective."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from optuna_lint.discovery import display_path
from optuna_lint.verify.plan import NOT_RUN, ObjectivePlan, Variant
from optuna_lint.verify.project_copy import missing_file_hint
from optuna_lint.verify.runner import VARIANTS, ObjectiveRun, RunOptions, VariantResult
from optuna_lint.verify.verdict import (
    NOTHING_TO_PROVE,
    PROVEN,
    Verdict,
    keeps_last_pass,
    per_pass_keys,
)

STATES = ("COMPLETE", "PRUNED", "FAIL")


def describe_plans(plans: list[ObjectivePlan], options: Any) -> str:
    """The announcement made before anything runs: which code runs, and how."""
    to_run = [plan for plan in plans if plan.skipped is None]
    if to_run:
        lines = [
            f"optuna-lint verify: running {len(to_run)} objective(s), original and fixed, in "
            f"subprocesses on copies in a temporary directory ({options.trials} trials each, "
            f"{options.workers} worker(s), device {options.device}); this executes their code, "
            "and your files are not written:"
        ]
    else:
        lines = ["optuna-lint verify: nothing will run; no objective has a change to prove:"]
    for plan in plans:
        if plan.skipped is not None:
            outcome, _, reason = plan.skipped.partition(": ")
            if reason.startswith(NOT_RUN):
                # Said once: "not run (error): verify runs ...".
                why = reason.removeprefix(NOT_RUN)
                lines.append(f"  {shown(plan.module)}:{plan.objective}: not run ({outcome}): {why}")
            else:
                lines.append(f"  {shown(plan.module)}:{plan.objective}: not run ({plan.skipped})")
            continue
        source = f"{plan.hand_fixed.name}" if plan.hand_fixed else "--fix --unsafe-fixes"
        pruner = options.pruner or _pruner_text(plan.original)
        codes = ", ".join(plan.codes)
        lines.append(
            f"  {shown(plan.module)}:{plan.objective}: fixed by {source} ({codes}), "
            f"pruner {pruner}, direction {plan.direction}"
        )
        lines.extend(f"    note: {note}" for note in plan.notes)
    return "\n".join(lines)


def shown(path: Path) -> str:
    """A path as the user would write it: relative to the working directory when under it."""
    return display_path(path, Path.cwd())


def _pruner_text(variant: Variant | None) -> str:
    if variant is None or variant.pruner_expression is None:
        return "Optuna's default (MedianPruner)"
    return variant.pruner_expression


def table(runs: list[ObjectiveRun], verdicts: list[Verdict]) -> str:
    blocks = [_objective_block(run, verdict) for run, verdict in zip(runs, verdicts, strict=True)]
    return "\n\n".join([*blocks, summary_line(runs, verdicts)])


def _objective_block(run: ObjectiveRun, verdict: Verdict) -> str:
    plan = run.plan
    codes = ", ".join(plan.codes) if plan.codes else "-"
    head = f"{shown(plan.module)}:{plan.objective}  [{verdict.outcome}]  fixed: {codes}"
    hint = missing_file_hint(plan.copy_source, _errors(run, verdict))
    if verdict.reason is not None:
        return "\n  ".join([head, verdict.reason, *([hint] if hint else [])])
    header = ("variant", "trials", "complete", "pruned", "fail", "epochs", "time", "best")
    rows = [header]
    for label in VARIANTS:
        variant = run.variants[label]
        best = variant.best_value(plan.direction)
        rows.append(
            (
                label,
                str(len(variant.trials)),
                *(str(variant.count(state)) for state in STATES),
                "-" if variant.passes is None else str(variant.passes),
                f"{variant.wall_time:.1f} s",
                "-" if best is None else f"{best:.6g}",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    lines = [head]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    saved = epochs_saved(run)
    before = run.variants["original"].passes or 0
    if saved is not None and saved > 0 and before:
        lines.append(f"  epochs saved: {saved} of {before} ({saved / before:.0%})")
    for label in VARIANTS:
        for reason, count in run.variants[label].failure_reasons()[:3]:
            lines.append(f"  {label}: {count} trial(s) failed: {reason}")
    for claim in verdict.claims:
        mark = "ok " if claim.proven else "NO "
        lines.append(f"  {mark} {claim.what}: {claim.detail}")
    if hint:
        lines.append(f"  {hint}")
    return "\n".join(lines)


def _errors(run: ObjectiveRun, verdict: Verdict) -> list[str]:
    """Every error text of the run: the verdict's reason, the variants' and the trials'."""
    errors = [verdict.reason or "", run.error or ""]
    for variant in run.variants.values():
        errors.append(variant.error or "")
        errors.extend(trial.error or "" for trial in variant.trials)
    return errors


def epochs_saved(run: ObjectiveRun) -> int | None:
    """Training-loop passes the original ran and the fixed variant did not, over the trials
    that failed in neither (a trial that fails early saves nothing)."""
    original, fixed = (run.variants.get(label) for label in VARIANTS)
    if original is None or fixed is None or original.passes is None or fixed.passes is None:
        return None
    by_index = {trial.index: trial for trial in original.trials if trial.index is not None}
    saved = 0
    for trial in fixed.trials:
        before = by_index.get(trial.index)
        if before is None or "FAIL" in (before.state, trial.state):
            continue
        saved += (before.passes or 0) - (trial.passes or 0)
    return saved


def summary_line(runs: list[ObjectiveRun], verdicts: list[Verdict]) -> str:
    outcomes = Counter(verdict.outcome for verdict in verdicts)
    devices = sorted(
        {v.device for run in runs for v in run.variants.values() if v.device is not None}
    )
    counted = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    device = f"; device: {', '.join(devices)}" if devices else ""
    return f"{len(verdicts)} objective(s): {counted or 'none'}{device}"


def json_report(
    runs: list[ObjectiveRun], verdicts: list[Verdict], options: RunOptions, tolerance: float
) -> str:
    document = {
        "options": {**asdict(options), "tolerance": tolerance},
        "objectives": [
            _objective_json(run, verdict) for run, verdict in zip(runs, verdicts, strict=True)
        ],
        "summary": dict(Counter(verdict.outcome for verdict in verdicts)),
    }
    return json.dumps(document, indent=2, allow_nan=False)


def _objective_json(run: ObjectiveRun, verdict: Verdict) -> dict[str, Any]:
    plan = run.plan
    per_pass = per_pass_keys(*run.variants.values())
    return {
        "module": str(plan.module),
        "objective": plan.objective,
        "codes_fixed": list(plan.codes),
        "codes_remaining": list(plan.remaining),
        "fixed_by": str(plan.hand_fixed) if plan.hand_fixed else "fix",
        # The folder each variant ran in a copy of (None: the module was copied alone).
        "copied_folder": str(plan.copy_source.root)
        if plan.copy_source and plan.copy_source.root
        else None,
        "direction": plan.direction,
        "pruner": _pruner_text(plan.original) if plan.original else None,
        "training_loop_line": plan.original.loop_row if plan.original else None,
        "notes": plan.notes,
        "verdict": verdict.outcome,
        "reason": verdict.reason,
        "proven": verdict.outcome == PROVEN,
        "nothing_to_prove": verdict.outcome == NOTHING_TO_PROVE,
        "claims": [asdict(claim) for claim in verdict.claims],
        "epochs_saved": epochs_saved(run),
        "variants": {
            label: _variant_json(variant, plan.direction, per_pass)
            for label, variant in run.variants.items()
        },
        "parameters": _jsonable(run.params),
    }


def _variant_json(variant: VariantResult, direction: str, per_pass: set[str]) -> dict[str, Any]:
    trials = []
    for trial in variant.trials:
        entry = _jsonable(asdict(trial))
        # Whether a pruned trial's per-epoch attributes are those of the epoch it stopped in.
        entry["holds_last_pass_values"] = (
            keeps_last_pass(trial, per_pass) if trial.state == "PRUNED" and per_pass else None
        )
        trials.append(entry)
    return {
        "device": variant.device,
        "error": variant.error,
        "timed_out": variant.timed_out,
        "study_name": variant.study_name,
        "wall_time": round(variant.wall_time, 3),
        "trials": len(variant.trials),
        **{state.lower(): variant.count(state) for state in STATES},
        "epochs": variant.passes,
        "pruner_startup_trials": variant.startup_trials,
        "best_value": _jsonable(variant.best_value(direction)),
        "trial_results": trials,
    }


def _jsonable(value: Any) -> Any:
    """Plain JSON: a number that is not finite (an objective may return `inf`), which JSON
    cannot hold, is written as null; a user attribute JSON cannot hold as its `repr`."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)
