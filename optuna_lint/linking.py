"""Joins the facts of the linted files: which study runs which objective, and where the trial
goes from there.

The answer to "does this function report through its trial?" is yes, no, or unknown. Unknown
comes from anything the analysis cannot follow (the trial stored, aliased, or handed to a
function it cannot see), and a rule that needs the answer stays silent on unknown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum

from optuna_lint.facts import (
    MODULE_SCOPE,
    FileFacts,
    FunctionFacts,
    OptimizeCall,
    StudyFacts,
    TrialHandoff,
)

# How many calls deep the trial is followed; a chain longer than this is "unknown".
MAX_TRIAL_DEPTH = 8
_TRIAL_ANNOTATIONS = frozenset({"optuna.Trial"})


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TrialUse:
    """Whether the trial, followed from one function, is reported to and checked."""

    reports: Answer
    checks: Answer


@dataclass(frozen=True)
class Objective:
    """A function that a study runs, with the study and how the trial is used."""

    path: str
    function: FunctionFacts
    trial_variable: str
    study: StudyFacts
    use: TrialUse


@dataclass(frozen=True)
class TrialHolder:
    """A function and the variable in it that holds the trial."""

    path: str
    function: FunctionFacts
    variable: str


class ProjectModel:
    """The facts of every linted file, joined."""

    def __init__(self, files: dict[str, FileFacts]) -> None:
        self.files = files
        self._functions = {
            path: {function.qualname: function for function in facts.functions}
            for path, facts in files.items()
        }

    def objectives(self, path: str) -> list[Objective]:
        """Objectives defined in `path`, one per study that runs them."""
        found = []
        for caller_path, facts in self.files.items():
            for call in facts.optimize_calls:
                study = self._study_of(facts, call)
                function = self._objective_function(caller_path, facts, call)
                if study is None or function is None or caller_path != path:
                    continue
                variable = _first_positional(function)
                if variable is None:
                    continue
                use = self.trial_use(path, function, variable)
                found.append(Objective(path, function, variable, study, use))
        return found

    def trial_holders(self, path: str) -> list[TrialHolder]:
        """Every function of `path` known to hold the trial, with its trial variable.

        These are the objectives, the functions the trial is handed to from them, and functions
        whose parameter is annotated as an Optuna trial.
        """
        holders: dict[tuple[str, str], TrialHolder] = {}
        for objective in self.objectives(path):
            for holder in self._reached(path, objective.function, objective.trial_variable):
                holders.setdefault((holder.function.qualname, holder.variable), holder)
        for function in self.files[path].functions:
            for parameter in function.parameters:
                if parameter.annotation in _TRIAL_ANNOTATIONS:
                    for holder in self._reached(path, function, parameter.name):
                        holders.setdefault((holder.function.qualname, holder.variable), holder)
        return sorted(holders.values(), key=lambda h: h.function.span.start_offset)

    # Studies and objectives

    def _study_of(self, facts: FileFacts, call: OptimizeCall) -> StudyFacts | None:
        if call.study_index is not None:
            return facts.studies[call.study_index]
        candidates = [
            study
            for study in facts.studies
            if study.binding == call.study_variable
            and study.span.start_offset < call.span.start_offset
            and study.scope in (call.scope, MODULE_SCOPE)
        ]
        same_scope = [study for study in candidates if study.scope == call.scope]
        chosen = same_scope or candidates
        return chosen[-1] if chosen else None

    def _objective_function(
        self, path: str, facts: FileFacts, call: OptimizeCall
    ) -> FunctionFacts | None:
        functions = self._functions[path]
        objective = call.objective
        if objective.kind == "lambda":
            return functions.get(objective.name)
        if objective.kind == "self" and call.class_name is not None:
            return functions.get(f"{call.class_name}.{objective.name}")
        if objective.kind == "local":
            return self._local_function(path, objective.name, call.scope)
        return None

    def _local_function(self, path: str, name: str, scope: str) -> FunctionFacts | None:
        """The function a plain name refers to from `scope`: nested in it or at module level."""
        functions = self._functions[path]
        while scope != MODULE_SCOPE:
            nested = functions.get(f"{scope}.<locals>.{name}")
            if nested is not None:
                return nested
            enclosing = functions.get(scope)
            if enclosing is None or enclosing.parent is None:
                break
            scope = enclosing.parent
        if name in self.files[path].module_bindings:
            return None
        function = functions.get(name)
        return function if function is not None and function.class_name is None else None

    # Following the trial

    def trial_use(self, path: str, function: FunctionFacts, variable: str) -> TrialUse:
        reports = checks = Answer.NO
        for holder in self._reached(path, function, variable):
            for call in self._calls_on(holder):
                if call.method == "report":
                    reports = Answer.YES
                elif call.method == "should_prune":
                    checks = Answer.YES
            if self._is_opaque(holder):
                reports = Answer.UNKNOWN if reports is Answer.NO else reports
                checks = Answer.UNKNOWN if checks is Answer.NO else checks
        return TrialUse(reports, checks)

    def _reached(self, path: str, function: FunctionFacts, variable: str) -> Iterator[TrialHolder]:
        """The functions the trial reaches from `function`, `function` included."""
        seen: set[tuple[str, str]] = set()
        pending = [(function, variable, 0)]
        while pending:
            current, current_variable, depth = pending.pop()
            key = (current.qualname, current_variable)
            if key in seen:
                continue
            seen.add(key)
            holder = TrialHolder(path, current, current_variable)
            yield holder
            if depth >= MAX_TRIAL_DEPTH:
                continue
            for handoff, scope in self._handoffs_of(holder):
                target = self._handoff_target(path, scope, handoff)
                if target is not None:
                    pending.append((target[0], target[1], depth + 1))

    def _with_closures(self, holder: TrialHolder) -> Iterator[FunctionFacts]:
        """The function and the nested functions that use its trial variable by closure."""
        yield holder.function
        prefix = holder.function.qualname + "."
        for function in self.files[holder.path].functions:
            if function.qualname.startswith(prefix) and not any(
                parameter.name == holder.variable for parameter in function.parameters
            ):
                yield function

    def _calls_on(self, holder: TrialHolder) -> Iterator:
        for function in self._with_closures(holder):
            for call in function.trial_calls:
                if call.receiver == holder.variable:
                    yield call

    def _handoffs_of(self, holder: TrialHolder) -> Iterator[tuple[TrialHandoff, FunctionFacts]]:
        for function in self._with_closures(holder):
            for handoff in function.handoffs:
                if handoff.variable == holder.variable:
                    yield handoff, function

    def _is_opaque(self, holder: TrialHolder) -> bool:
        """Whether the trial is used in a way the analysis cannot follow in this function."""
        for function in self._with_closures(holder):
            if any(escape.variable == holder.variable for escape in function.escapes):
                return True
            for handoff in function.handoffs:
                if handoff.variable != holder.variable or handoff.callee.kind == "builtin":
                    continue
                if self._handoff_target(holder.path, function, handoff) is None:
                    return True
        return False

    def _handoff_target(
        self, path: str, caller: FunctionFacts, handoff: TrialHandoff
    ) -> tuple[FunctionFacts, str] | None:
        callee = handoff.callee
        if callee.kind == "local":
            target = self._local_function(path, callee.name, caller.qualname)
        elif callee.kind == "self":
            owner = _owner_class(self._functions[path], caller)
            target = self._functions[path].get(f"{owner}.{callee.name}") if owner else None
        else:
            target = None
        if target is None:
            return None
        parameter = _parameter_for(target, handoff)
        return (target, parameter) if parameter is not None else None


def _owner_class(functions: dict[str, FunctionFacts], function: FunctionFacts) -> str | None:
    current: FunctionFacts | None = function
    while current is not None:
        if current.class_name is not None:
            return current.class_name
        current = functions.get(current.parent) if current.parent else None
    return None


def _first_positional(function: FunctionFacts) -> str | None:
    positional = function.positional_parameters
    return positional[0].name if positional else None


def _parameter_for(function: FunctionFacts, handoff: TrialHandoff) -> str | None:
    """The parameter of `function` that receives the handed-over argument, if one clearly does."""
    if handoff.keyword is not None:
        for parameter in function.parameters:
            if parameter.name == handoff.keyword and parameter.kind in (
                "positional",
                "keyword_only",
            ):
                return parameter.name
        return None
    positional = function.positional_parameters
    if handoff.position is not None and handoff.position < len(positional):
        return positional[handoff.position].name
    return None
