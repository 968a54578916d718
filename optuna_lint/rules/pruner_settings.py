"""What the pruner-settings rules (OPL401 to OPL405) share: finding the construction behind a
study's pruner, and the studies and `optimize` calls that go with it."""

from __future__ import annotations

from collections.abc import Iterator

from optuna_lint.facts import FileFacts, OptimizeCall, PrunerConstruction, PrunerRef, StudyFacts
from optuna_lint.linking import ProjectModel
from optuna_lint.pruner_constraints import BoundArguments, bind, violations


def construction_of(facts: FileFacts, pruner: PrunerRef) -> PrunerConstruction | None:
    """The call of this file that builds an Optuna pruner, when the study's pruner is one."""
    if pruner.kind != "class" or pruner.construction is None:
        return None
    return next(
        (p for p in facts.pruners if p.span.start_offset == pruner.construction),
        None,
    )


def acting_pruners(pruner: PrunerRef) -> Iterator[PrunerRef]:
    """The pruner, and for a `PatientPruner` the pruner it wraps, whose settings also decide."""
    yield pruner
    if pruner.class_name == "PatientPruner" and pruner.wrapped is not None:
        yield pruner.wrapped


def valid_arguments(construction: PrunerConstruction) -> BoundArguments | None:
    """The construction's arguments, when all are seen and none makes the constructor raise
    (OPL403 reports those)."""
    bound = bind(construction)
    if bound is None or bound.missing or violations(construction.class_name, bound.values):
        return None
    return bound


def optimize_calls_of(
    project: ProjectModel, facts: FileFacts, study: StudyFacts
) -> list[OptimizeCall]:
    """The `optimize` calls of this file that run `study`."""
    return [call for call in facts.optimize_calls if project.study_of(facts, call) is study]


def runs_once(call: OptimizeCall, study: StudyFacts) -> bool:
    """Whether an `optimize` call runs once for each study created: in the study's own scope,
    inside no loop or comprehension that does not also create the study."""
    return call.scope == study.scope and set(call.loops) <= set(study.loops)
