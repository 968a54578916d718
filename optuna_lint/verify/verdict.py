"""Judge a run: does the fixed variant do what its fixes claim, and nothing worse?

Each fixed code makes a claim, by what its rule is about. A fix that enables pruning is proven
when the fixed variant prunes a trial the original did not (the same parameters, drawn once);
one that curbs wrong pruning when it completes a trial the original pruned; one that changes
the pruning decision (OPL112, either way) when any trial changes between pruned and not; one
that keeps data (OPL201, OPL202) when every pruned trial of the fixed variant holds the values
of the pass it was pruned in, where some pruned trial of the original did not. Every run must
also show no trial failing that did not fail before, and a best value within the tolerance
of the original's (or a completed trial where the original completed none); the original's
trials that the fixed variant pruned are left out of its best value, since the value such a
trial kept is what the fix takes away.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optuna_lint.verify.runner import ObjectiveRun, TrialResult, VariantResult
from optuna_lint.verify.worker import STUDY_ATTRIBUTE_PREFIX

ENABLES_PRUNING = frozenset(
    {"OPL101", "OPL102", "OPL103", "OPL104", "OPL105", "OPL107", "OPL109", "OPL306"}
)
CHANGES_PRUNING = frozenset({"OPL112"})
CURBS_PRUNING = frozenset({"OPL402", "OPL404"})
KEEPS_VALUES = frozenset({"OPL201", "OPL202"})
DEFAULT_TOLERANCE = 0.05

PROVEN, NOT_PROVEN, NOTHING_TO_PROVE, ERROR = "proven", "not proven", "nothing to prove", "error"


@dataclass(frozen=True)
class Claim:
    what: str  # "enables pruning (OPL101)", "no new failures", ...
    proven: bool
    detail: str


@dataclass
class Verdict:
    outcome: str
    claims: list[Claim] = field(default_factory=list)
    reason: str | None = None  # for "nothing to prove" and "error"


def judge(run: ObjectiveRun, tolerance: float) -> Verdict:
    plan = run.plan
    if plan.skipped is not None:
        outcome = ERROR if plan.skipped.startswith("error") else NOTHING_TO_PROVE
        return Verdict(outcome, reason=plan.skipped.partition(": ")[2])
    if run.error is not None:
        return Verdict(ERROR, reason=run.error)
    original, fixed = run.variants["original"], run.variants["fixed"]
    broken = []
    for label, variant in (("original", original), ("fixed", fixed)):
        if variant.error is not None:
            unfinished = f", {variant.unfinished} trial(s) unfinished" if variant.timed_out else ""
            broken.append(f"the {label} variant: {variant.error}{unfinished}")
    if broken:
        # A worker that could not load or run the objective, or ran out of time: there is no
        # whole comparison to judge.
        return Verdict(ERROR, reason="; ".join(broken))
    claims = []
    for kinds, check in (
        (ENABLES_PRUNING, _enables),
        (CURBS_PRUNING, _curbs),
        (CHANGES_PRUNING, _changes),
        (KEEPS_VALUES, _keeps),
    ):
        codes = [code for code in plan.codes if code in kinds]
        if codes:
            claims.append(check(original, fixed, ", ".join(codes)))
    claims.append(_no_new_failures(original, fixed))
    claims.append(_best_value(original, fixed, plan.direction, tolerance))
    outcome = PROVEN if all(claim.proven for claim in claims) else NOT_PROVEN
    return Verdict(outcome, claims)


def _paired(original: VariantResult, fixed: VariantResult) -> list[tuple[TrialResult, TrialResult]]:
    by_index = {t.index: t for t in original.trials if t.index is not None}
    return [(by_index[t.index], t) for t in fixed.trials if t.index in by_index]


def _enables(original: VariantResult, fixed: VariantResult, codes: str) -> Claim:
    newly = [f for o, f in _paired(original, fixed) if f.state == "PRUNED" != o.state]
    return Claim(
        f"enables pruning ({codes})",
        bool(newly),
        f"{len(newly)} trial(s) pruned that the original did not prune "
        f"(pruned: {original.count('PRUNED')} -> {fixed.count('PRUNED')})"
        + (_startup_hint(fixed) if not newly else ""),
    )


def _startup_hint(variant: VariantResult) -> str:
    """Why a pruner cannot have pruned: it waits for more completed trials than were run."""
    startup = variant.startup_trials
    if startup is None or startup < len(variant.trials):
        return ""
    return (
        f"; hint: the pruner prunes nothing until {startup} trial(s) have completed "
        f"(n_startup_trials), and only {len(variant.trials)} ran: give --trials more than "
        f"{startup}"
    )


def _curbs(original: VariantResult, fixed: VariantResult, codes: str) -> Claim:
    kept = [f for o, f in _paired(original, fixed) if o.state == "PRUNED" and f.state == "COMPLETE"]
    return Claim(
        f"curbs wrong pruning ({codes})",
        bool(kept),
        f"{len(kept)} trial(s) completed that the original pruned",
    )


def _changes(original: VariantResult, fixed: VariantResult, codes: str) -> Claim:
    changed = [
        f for o, f in _paired(original, fixed) if (o.state == "PRUNED") != (f.state == "PRUNED")
    ]
    return Claim(
        f"changes the pruning decision ({codes})",
        bool(changed),
        f"{len(changed)} trial(s) pruned in one variant only "
        f"(pruned: {original.count('PRUNED')} -> {fixed.count('PRUNED')})"
        + (_startup_hint(fixed) if not changed else ""),
    )


def _keeps(original: VariantResult, fixed: VariantResult, codes: str) -> Claim:
    per_pass = per_pass_keys(original, fixed)
    original_kept, original_pruned = kept_counts(original, per_pass)
    fixed_kept, fixed_pruned = kept_counts(fixed, per_pass)
    proven = fixed_pruned > 0 and fixed_kept == fixed_pruned and original_kept < original_pruned
    detail = (
        f"{fixed_kept} of {fixed_pruned} pruned trial(s) hold the values of the pass they were "
        f"pruned in (original: {original_kept} of {original_pruned})"
    )
    if not fixed_pruned:
        detail += _startup_hint(fixed)
    if any(not key.startswith(STUDY_ATTRIBUTE_PREFIX) for key in per_pass):
        differing = _stored_values_differ(original, fixed, per_pass)
        detail += (
            f"; {differing} trial(s) pruned at the same step in both variants store other "
            "values in the original"
        )
    return Claim(f"keeps the last pass's values ({codes})", proven, detail)


def _stored_values_differ(original: VariantResult, fixed: VariantResult, per_pass: set[str]) -> int:
    """Trials pruned at the same step in both variants whose stored per-pass trial
    attributes differ: the same training, so a difference is a value the original lost."""
    keys = [key for key in per_pass if not key.startswith(STUDY_ATTRIBUTE_PREFIX)]
    return sum(
        1
        for o, f in _paired(original, fixed)
        if o.state == f.state == "PRUNED"
        and o.last_step == f.last_step
        and any(o.user_attrs.get(key) != f.user_attrs.get(key) for key in keys)
    )


def per_pass_keys(*variants: VariantResult) -> set[str]:
    """Attributes set in more than one pass of some trial: values of a pass, not of a trial."""
    return {
        key
        for variant in variants
        for trial in variant.trials
        for key, (_, times) in trial.attributes.items()
        if times >= 2
    }


def keeps_last_pass(trial: TrialResult, per_pass: set[str]) -> bool:
    """Whether each per-pass attribute of the trial was last set in its last pass. A study
    attribute counts when the trial set it at all (its key may name the trial)."""
    for key in per_pass:
        recorded = trial.attributes.get(key)
        if recorded is None:
            if key.startswith(STUDY_ATTRIBUTE_PREFIX):
                continue
            return False
        if recorded[0] != trial.passes:
            return False
    return True


def kept_counts(variant: VariantResult, per_pass: set[str]) -> tuple[int, int]:
    pruned = [t for t in variant.trials if t.state == "PRUNED"]
    return sum(keeps_last_pass(t, per_pass) for t in pruned), len(pruned)


def _no_new_failures(original: VariantResult, fixed: VariantResult) -> Claim:
    new = [f for o, f in _paired(original, fixed) if f.state == "FAIL" != o.state]
    unpaired = [f for f in fixed.trials if f.index is None and f.state == "FAIL"]
    failed = len(new) + len(unpaired)
    return Claim(
        "no new failures",
        failed == 0,
        f"{failed} trial(s) failed that did not fail before"
        f" (failed: {original.count('FAIL')} -> {fixed.count('FAIL')})",
    )


def _best_value(
    original: VariantResult, fixed: VariantResult, direction: str, tolerance: float
) -> Claim:
    # An original trial the fixed variant pruned kept a value the fix takes away (OPL104: a
    # partial value returned where the trial should have stopped): it is not compared.
    pruned_after_fix = {o.number for o, f in _paired(original, fixed) if f.state == "PRUNED"}
    compared = VariantResult([t for t in original.trials if t.number not in pruned_after_fix])
    before, after = compared.best_value(direction), fixed.best_value(direction)
    with_them = original.best_value(direction)
    note = ""
    if with_them != before:
        left_out = sum(
            t.state == "COMPLETE" for t in original.trials if t.number in pruned_after_fix
        )
        note = (
            f"; left out of the original's: {left_out} trial(s) the fixed variant pruned "
            f"(with them: {with_them:.6g})"
        )
    if after is None:
        return Claim("best value", False, "the fixed variant completed no trial")
    if before is None:
        return Claim("best value", True, f"{after:.6g}; the original completed no trial{note}")
    scale = max(abs(before), abs(after))
    within = abs(after - before) <= tolerance * scale or abs(after - before) < 1e-12
    return Claim(
        "best value",
        within,
        f"{before:.6g} -> {after:.6g} ({'within' if within else 'outside'} the tolerance of "
        f"{tolerance:.0%}){note}",
    )
