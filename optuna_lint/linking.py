"""Joins the facts of a project's files: which study runs which objective, with which pruner,
and where the trial goes from there.

The answer to "does this objective report through its trial?" is yes, no, or unknown. The
trial is followed into functions and methods of the same module and of other modules of the
project, into the instances that keep it (`self.trial = trial`), through names that alias it
and nested functions that close over it, to a bounded depth. Anything the analysis cannot
follow (the trial stored elsewhere, handed to code outside the project or to a dynamic call,
a chain too deep) makes the answer unknown, and a rule that needs the answer stays silent.

Files are keyed by the name findings show them by. Files of the project that no named file
brought in are loaded only when the trial reaches them, through the `load` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import Enum

from optuna_lint.facts import (
    MODULE_SCOPE,
    CalleeRef,
    ClassFacts,
    FileFacts,
    FunctionFacts,
    ObjectiveRef,
    OptimizeCall,
    PruneCheck,
    PrunerRef,
    StudyFacts,
    TrialCall,
    TrialHandoff,
    TryFacts,
)
from optuna_lint.module_index import ModuleIndex
from optuna_lint.optuna_api import (
    BASE_PRUNER,
    OPTUNA_PRUNERS,
    PRUNERS_MODULE,
    TRIAL_ANNOTATIONS,
    is_integration_pruning_callback,
)

# How many calls deep the trial is followed; a longer chain is "unknown".
MAX_TRIAL_DEPTH = 8
# How many re-exports and base classes deep a name is resolved.
_MAX_RESOLUTION_DEPTH = 8


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
class TrialHolder:
    """A function and the variable in it that holds the trial.

    `instance` is the class (file key and qualname) of the object `self` is, when the function
    is a method reached through an instance that keeps the trial; `creator` is the function
    that built that instance and the name it bound it to (file key, qualname, name).
    `exact` says the instance is of that very class (it was built there), not of a subclass
    that may override its methods (as when it is only known as `self` in a method).
    """

    path: str
    function: FunctionFacts
    variable: str
    instance: tuple[str, str] | None = None
    creator: tuple[str, str, str] | None = None
    exact: bool = False


@dataclass(frozen=True)
class Objective:
    """A function that a study runs, with the study, its resolved pruner, and the trial's use."""

    path: str
    function: FunctionFacts
    trial_variable: str
    study: StudyFacts
    study_path: str
    pruner: PrunerRef
    use: TrialUse
    instance: tuple[str, str] | None = None
    exact: bool = False

    @property
    def holder(self) -> TrialHolder:
        return TrialHolder(
            self.path, self.function, self.trial_variable, self.instance, exact=self.exact
        )


@dataclass(frozen=True)
class Reach:
    """A holder the trial reaches, and how: `handed` when a call handed it the trial, `cut`
    when it hands the trial on deeper than the analysis follows, `in_loop` when the way there
    runs inside a loop (a call made in a loop, a nested function, an instance's method)."""

    holder: TrialHolder
    handed: bool
    cut: bool
    in_loop: bool


# What a name resolves to.
@dataclass(frozen=True)
class FunctionTarget:
    path: str
    function: FunctionFacts


@dataclass(frozen=True)
class ClassTarget:
    path: str
    cls: ClassFacts


@dataclass(frozen=True)
class ExternalTarget:
    """A name outside the project: Optuna, a third-party library, the standard library."""

    qualified: str


Target = FunctionTarget | ClassTarget | ExternalTarget


class ProjectModel:
    """The facts of a project's files, joined."""

    def __init__(
        self,
        files: dict[str, FileFacts],
        index: ModuleIndex | None = None,
        load: Callable[[str], FileFacts | None] | None = None,
    ) -> None:
        self.files = dict(files)
        self.index = index
        self._load = load
        self._unloadable: set[str] = set()
        self._functions: dict[str, dict[str, FunctionFacts]] = {}
        self._classes: dict[str, dict[str, ClassFacts]] = {}
        self._objectives: list[Objective] | None = None
        self._holders: dict[str, list[TrialHolder]] | None = None
        self._helpers: set[tuple[str, str]] = set()
        self._resolved: dict[tuple, Target | None] = {}
        self._mros: dict[tuple[str, str], list[tuple[str, ClassFacts]]] = {}
        self._reaching: dict[str, list[Objective]] | None = None
        self._calls_reached: dict[tuple, list[tuple[TrialHolder, TrialCall]]] = {}

    # Files

    def facts(self, path: str) -> FileFacts | None:
        """The facts of a file of the project, loading it when no named file brought it in."""
        if path in self.files:
            return self.files[path]
        if self._load is None or path in self._unloadable:
            return None
        facts = self._load(path)
        if facts is None:
            self._unloadable.add(path)
            return None
        self.files[path] = facts
        return facts

    def _functions_of(self, path: str) -> dict[str, FunctionFacts]:
        if path not in self._functions:
            facts = self.facts(path)
            functions = facts.functions if facts else ()
            by_name: dict[str, FunctionFacts] = {}
            defined_twice = set()
            for function in functions:
                if function.qualname in by_name:
                    defined_twice.add(function.qualname)
                by_name[function.qualname] = function
            # A function defined twice (in both branches of an `if`, or redefined) could be
            # either: a name that means it resolves to nothing.
            for qualname in defined_twice:
                del by_name[qualname]
            self._functions[path] = by_name
        return self._functions[path]

    def _classes_of(self, path: str) -> dict[str, ClassFacts]:
        if path not in self._classes:
            facts = self.facts(path)
            classes = facts.classes if facts else ()
            self._classes[path] = {cls.qualname: cls for cls in classes}
        return self._classes[path]

    # Objectives

    def objectives(self, path: str) -> list[Objective]:
        """Objectives defined in `path`, one per study that runs them."""
        return [objective for objective in self.all_objectives() if objective.path == path]

    def all_objectives(self) -> list[Objective]:
        """Every objective of the project, one per study that runs it."""
        if self._objectives is None:
            self._objectives = []
            for caller_path, facts in list(self.files.items()):
                for call in facts.optimize_calls:
                    objective = self._objective(caller_path, facts, call)
                    if objective is not None:
                        self._objectives.append(objective)
        return self._objectives

    def objectives_reaching(self, path: str) -> list[Objective]:
        """Objectives, defined anywhere, whose trial reaches a function of `path`."""
        if self._reaching is None:
            self._reaching = {}
            for objective in self.all_objectives():
                paths = {reach.holder.path for reach in self._reached(objective.holder)}
                for reached_path in sorted(paths):
                    self._reaching.setdefault(reached_path, []).append(objective)
        return self._reaching.get(path, [])

    def follow_every_trial(self) -> None:
        """Follow the trial of every objective to the end, loading every file it reaches (the
        rules load only what their questions need)."""
        self.objectives_reaching("")

    def _objective(self, path: str, facts: FileFacts, call: OptimizeCall) -> Objective | None:
        study = self.study_of(facts, call)
        if study is None:
            return None
        found = self._objective_function(path, call, call.objective)
        if found is None:
            return None
        target, variable, instance = found
        exact = call.objective.kind == "instance"
        holder = TrialHolder(target.path, target.function, variable, instance, exact=exact)
        return Objective(
            path=target.path,
            function=target.function,
            trial_variable=variable,
            study=study,
            study_path=path,
            pruner=self.pruner(path, study.pruner),
            use=self.trial_use(holder),
            instance=instance,
            exact=exact,
        )

    def _objective_function(
        self, path: str, call: OptimizeCall, objective: ObjectiveRef
    ) -> tuple[FunctionTarget, str, tuple[str, str] | None] | None:
        """The function an `optimize` call runs, its trial parameter, and the instance class."""
        instance = None
        if objective.kind == "lambda":
            function = self._functions_of(path).get(objective.name)
            target = FunctionTarget(path, function) if function else None
        elif objective.kind in ("function", "partial"):
            target = self.resolve(path, call.scope, objective.callee)
            if objective.callee.kind == "self" and call.class_name is not None:
                instance = (path, call.class_name)
        elif objective.kind == "instance":
            cls = self.resolve(path, call.scope, objective.callee)
            if not isinstance(cls, ClassTarget):
                return None
            target = self._method(cls.path, cls.cls, "__call__")
            instance = (cls.path, cls.cls.qualname)
        else:
            return None
        if not isinstance(target, FunctionTarget) or not _runs_as_written(target.function):
            return None
        positional = [
            parameter
            for parameter in target.function.positional_parameters
            if parameter.name not in objective.bound_keywords
        ][objective.bound_positional :]
        if not positional:
            return None
        return target, positional[0].name, instance

    def study_of(self, facts: FileFacts, call: OptimizeCall) -> StudyFacts | None:
        """The study an `optimize` call runs, when the file shows which."""
        if call.study_index is not None:
            return facts.studies[call.study_index]
        if call.study_variable and call.study_variable.startswith("self."):
            # A study kept on the instance, created in any method of the class.
            candidates = [
                study
                for study in facts.studies
                if study.binding == call.study_variable and study.class_name == call.class_name
            ]
            return candidates[0] if len({c.pruner for c in candidates}) == 1 else None
        candidates = [
            study
            for study in facts.studies
            if study.binding == call.study_variable
            and study.span.start_offset < call.span.start_offset
            and study.scope in (call.scope, MODULE_SCOPE)
        ]
        same_scope = [study for study in candidates if study.scope == call.scope]
        chosen = same_scope if call.study_is_local else same_scope or candidates
        return chosen[-1] if chosen else None

    def module_name(self, path: str) -> str | None:
        """The dotted module name of a file of the project, when the project is indexed."""
        return self.index.module_name(path) if self.index is not None else None

    def studies_named(self, name: str) -> list[tuple[str, StudyFacts]]:
        """Studies created or loaded anywhere in the project under a literal `study_name`."""
        return [
            (path, study)
            for path, facts in self.files.items()
            for study in facts.studies
            if study.study_name == name
        ]

    # Pruners

    def pruner(self, path: str, pruner: PrunerRef) -> PrunerRef:
        """A study's pruner with user-defined classes resolved: "custom" for a class of the
        project deriving from an Optuna pruner, "unknown" for anything else not known."""
        if pruner.kind == "class" and pruner.wrapped is not None:
            return PrunerRef(
                "class",
                pruner.class_name,
                self.pruner(path, pruner.wrapped),
                configured=pruner.configured,
                construction=pruner.construction,
            )
        if pruner.kind != "call" or pruner.callee is None:
            return pruner
        target = self.resolve(path, MODULE_SCOPE, pruner.callee)
        if isinstance(target, ClassTarget) and self._derives_from(target, _is_optuna_pruner_class):
            return PrunerRef("custom", class_name=target.cls.name)
        return PrunerRef("unknown")

    # Trial holders

    def trial_holders(self, path: str) -> list[TrialHolder]:
        """Every function of `path` known to hold the trial, with its trial variable.

        These are the functions the trial reaches from any objective of the project, and from
        any function whose parameter is annotated as an Optuna trial.
        """
        return self._all_holders().get(path, [])

    def entry_points(self, path: str) -> list[TrialHolder]:
        """Functions of `path` that receive the trial from Optuna itself: the objectives, and
        functions annotated as taking a trial that no function of the project hands one to."""
        self._all_holders()
        holders = {objective.holder for objective in self.objectives(path)}
        holders.update(
            holder
            for holder in _annotated_holders(path, self._functions_of(path).values())
            if (path, holder.function.qualname) not in self._helpers
        )
        return sorted(holders, key=lambda h: (h.function.span.start_offset, h.variable))

    def _all_holders(self) -> dict[str, list[TrialHolder]]:
        if self._holders is not None:
            return self._holders
        roots = [objective.holder for objective in self.all_objectives()]
        for path, facts in list(self.files.items()):
            roots.extend(_annotated_holders(path, facts.functions))
        found: dict[tuple[str, str, str], TrialHolder] = {}
        for root in roots:
            for reach in self._reached(root):
                holder, handed = reach.holder, reach.handed
                found.setdefault((holder.path, holder.function.qualname, holder.variable), holder)
                if handed:
                    self._helpers.add((holder.path, holder.function.qualname))
        self._holders = {}
        for holder in found.values():
            self._holders.setdefault(holder.path, []).append(holder)
        for holders in self._holders.values():
            holders.sort(key=lambda h: (h.function.span.start_offset, h.variable))
        return self._holders

    # Following the trial

    def calls_reached(self, start: TrialHolder, method: str) -> list[tuple[TrialHolder, TrialCall]]:
        """The calls of `method` on the trial wherever it goes from `start`, in the order the
        holders are reached (`start` first), each holder's calls in source order."""
        key = (start.path, start.function.qualname, start.variable, start.instance, method)
        if key not in self._calls_reached:
            self._calls_reached[key] = [
                (holder, call)
                for holder in _distinct(reach.holder for reach in self._reached(start))
                for call in holder.function.trial_calls
                if call.receiver == holder.variable and call.method == method
            ]
        return self._calls_reached[key]

    def reaches(self, start: TrialHolder) -> list[Reach]:
        """Every holder the trial reaches from `start`, with how it gets there."""
        return list(self._reached(start))

    def passes_pruning_callback(self, holder: TrialHolder) -> bool:
        """Whether the function hands the trial to an integration pruning callback it passes on."""
        return any(
            handoff.passed_on and self._is_pruning_callback(holder, handoff)
            for handoff in self._handoffs(holder)
        )

    def every_report(self, start: TrialHolder) -> list[TrialCall] | None:
        """The reports made on the trial wherever it goes from `start`, when the analysis sees
        every use of it; None when it cannot: a use it does not follow, an integration pruning
        callback (which reports steps of its own), or an object of the project keeping it."""
        reports = []
        for reach in self._reached(start):
            holder = reach.holder
            if reach.cut or self._is_opaque(holder) or next(self._kept_instances(holder), None):
                return None
            if any(
                handoff.passed_on and self._is_pruning_callback(holder, handoff)
                for handoff in self._handoffs(holder)
            ):
                return None
            reports.extend(
                call
                for call in holder.function.trial_calls
                if call.receiver == holder.variable and call.method == "report"
            )
        return reports

    def trial_use(self, holder: TrialHolder) -> TrialUse:
        reports = checks = Answer.NO
        opaque = False
        for reach in self._reached(holder):
            reached = reach.holder
            opaque = opaque or reach.cut
            for call in reached.function.trial_calls:
                if call.receiver != reached.variable:
                    continue
                if call.method == "report":
                    reports = Answer.YES
                elif call.method == "should_prune":
                    checks = Answer.YES
            for handoff in self._handoffs(reached):
                if handoff.passed_on and self._is_pruning_callback(reached, handoff):
                    reports = checks = Answer.YES
            for instance in self._kept_instances(reached):
                # `holder = Holder(trial)`: `holder.trial.report(...)` reports; `holder`
                # handed on or stored takes the trial where the analysis does not follow.
                for call in reached.function.trial_calls:
                    if call.receiver.startswith(instance + "."):
                        if call.method == "report":
                            reports = Answer.YES
                        elif call.method == "should_prune":
                            checks = Answer.YES
                opaque = opaque or self._instance_escapes(reached.function, instance)
            opaque = opaque or self._is_opaque(reached)
        if opaque:
            reports = Answer.UNKNOWN if reports is Answer.NO else reports
            checks = Answer.UNKNOWN if checks is Answer.NO else checks
        return TrialUse(reports, checks)

    def _reached(self, start: TrialHolder) -> Iterator[Reach]:
        """The holders the trial reaches from `start`, `start` included (a holder reached both
        from inside a loop and from outside one comes once for each)."""
        seen: set[tuple] = set()
        pending: list[tuple[TrialHolder, int, bool, bool]] = [(start, 0, False, False)]
        while pending:
            holder, depth, handed, in_loop = pending.pop()
            key = (holder.path, holder.function.qualname, holder.variable, holder.instance, in_loop)
            if key in seen:
                continue
            seen.add(key)
            cut = depth >= MAX_TRIAL_DEPTH and any(
                self._handoff_target(holder, handoff) is not None
                for handoff in self._handoffs(holder)
            )
            yield Reach(holder, handed, cut, in_loop)
            # Where a nested function or an instance's method is called from is not known:
            # both count as running inside a loop.
            for closure in self._closures(holder):
                pending.append((closure, depth, handed, True))
            for alias in holder.function.aliases:
                if alias.variable == holder.variable:
                    pending.append((_with_variable(holder, alias.alias), depth, handed, in_loop))
            for method_holder in self._instance_holders(holder):
                pending.append((method_holder, depth, True, True))
            if depth >= MAX_TRIAL_DEPTH:
                continue
            for handoff in self._handoffs(holder):
                target = self._handoff_target(holder, handoff)
                if target is not None:
                    pending.append((target, depth + 1, True, in_loop or bool(handoff.loops)))

    def _closures(self, holder: TrialHolder) -> Iterator[TrialHolder]:
        """Nested functions that use the holder's variable by closure and can run: lambdas,
        functions the enclosing function calls, passes on or instantiates (for methods of a
        nested class), and decorated ones (a decorator registers them)."""
        head = holder.variable.split(".")[0]
        prefix = holder.function.qualname + "."
        uses = set(holder.function.nested_uses)
        for function in self._functions_of(holder.path).values():
            if (
                function.parent == holder.function.qualname
                and function.qualname.startswith(prefix)
                and not any(parameter.name == head for parameter in function.parameters)
                and (function.is_lambda or function.decorators or function.defined_name in uses)
            ):
                yield _with_function(holder, holder.path, function)

    def _handoffs(self, holder: TrialHolder) -> Iterator[TrialHandoff]:
        for handoff in holder.function.handoffs:
            if handoff.variable == holder.variable:
                yield handoff

    def _instance_holders(self, holder: TrialHolder) -> Iterator[TrialHolder]:
        """The methods of an instance that keeps the trial in an attribute (`self.trial`)."""
        stores = [s for s in holder.function.stores if s.variable == holder.variable]
        if not stores:
            return
        instance = holder.instance or self._owner_class(holder.path, holder.function)
        if instance is None:
            return
        cls = self._classes_of(instance[0]).get(instance[1])
        if cls is None:
            return
        for class_path, base in self._mro(instance[0], cls):
            prefix = base.qualname + "."
            for function in self._functions_of(class_path).values():
                if function.class_name == base.qualname and function.qualname.startswith(prefix):
                    for store in stores:
                        yield TrialHolder(
                            class_path,
                            function,
                            store.attribute,
                            instance,
                            holder.creator,
                            holder.exact and holder.instance is not None,
                        )

    def _is_opaque(self, holder: TrialHolder) -> bool:
        """Whether the trial is used in a way the analysis cannot follow in this function."""
        if any(escape.variable == holder.variable for escape in holder.function.escapes):
            return True
        if not holder.exact and self._dispatches_on_self(holder):
            # `self` may be an instance of a subclass that overrides the methods called.
            return True
        if holder.variable.startswith("self.") and self._instance_escapes(holder.function, "self"):
            # The instance keeping the trial is handed on (`callback.on_epoch_end(self)`).
            return True
        for handoff in self._handoffs(holder):
            if handoff.callee.kind == "builtin":
                continue
            if self._handoff_target(holder, handoff) is not None:
                continue
            if not self._is_pruning_callback(holder, handoff):
                return True
        return False

    def _kept_instances(self, holder: TrialHolder) -> Iterator[str]:
        """Names the function binds to instances of project classes built with the trial."""
        for handoff in self._handoffs(holder):
            if handoff.binding is None or "." in handoff.binding:
                continue
            target = self.resolve(
                holder.path, holder.function.qualname, handoff.callee, holder.instance
            )
            if isinstance(target, ClassTarget) and not self._derives_from(
                target, is_integration_pruning_callback
            ):
                yield handoff.binding

    @staticmethod
    def _instance_escapes(function: FunctionFacts, instance: str) -> bool:
        """Whether an instance that keeps the trial is handed to a call or stored."""
        return any(escape.variable == instance for escape in function.escapes) or any(
            handoff.variable == instance and handoff.callee.kind != "builtin"
            for handoff in function.handoffs
        )

    def _dispatches_on_self(self, holder: TrialHolder) -> bool:
        """Whether the trial goes to methods looked up on `self`: handed to `self.method(...)`
        or kept in `self.<attribute>` for other methods."""
        return any(handoff.callee.kind == "self" for handoff in self._handoffs(holder)) or any(
            store.variable == holder.variable for store in holder.function.stores
        )

    def is_pruning_callback_class(self, target: ClassTarget) -> bool:
        """Whether a class of the project derives from an integration pruning callback."""
        return self._derives_from(target, is_integration_pruning_callback)

    def _is_pruning_callback(self, holder: TrialHolder, handoff: TrialHandoff) -> bool:
        target = self.resolve(holder.path, holder.function.qualname, handoff.callee)
        if isinstance(target, ExternalTarget):
            return is_integration_pruning_callback(target.qualified)
        if isinstance(target, ClassTarget):
            return self._derives_from(target, is_integration_pruning_callback)
        return False

    def _handoff_target(self, holder: TrialHolder, handoff: TrialHandoff) -> TrialHolder | None:
        """Where a call takes the trial: the parameter of the function or constructor called."""
        instance = creator = None
        exact = False
        target = self.resolve(
            holder.path, holder.function.qualname, handoff.callee, holder.instance
        )
        if isinstance(target, ClassTarget):
            if self._derives_from(target, is_integration_pruning_callback):
                return None
            instance = (target.path, target.cls.qualname)
            exact = True
            if handoff.binding is not None:
                creator = (holder.path, holder.function.qualname, handoff.binding)
            target = self._method(target.path, target.cls, "__init__")
        elif handoff.callee.kind == "self":
            instance = holder.instance or self._owner_class(holder.path, holder.function)
            creator = holder.creator
            exact = holder.exact and holder.instance is not None
        if not isinstance(target, FunctionTarget) or not _runs_as_written(target.function):
            return None
        parameter = _parameter_for(target.function, handoff)
        if parameter is None:
            return None
        return TrialHolder(target.path, target.function, parameter, instance, creator, exact)

    def try_can_raise_pruned(self, holder: TrialHolder, tried: TryFacts) -> bool:
        """Whether the body of a `try` can raise `TrialPruned`: it raises it, a function it hands
        the trial to checks, or it runs code that a pruning callback passed on can abort."""
        if tried.body_raises_trial_pruned:
            return True
        for handoff in self._handoffs(holder):
            if not tried.body_start <= handoff.span.start_offset < tried.body_end:
                continue
            target = self._handoff_target(holder, handoff)
            if target is not None and self.trial_use(target).checks is Answer.YES:
                return True
        return tried.body_has_calls and any(
            handoff.passed_on and self._is_pruning_callback(holder, handoff)
            for handoff in self._handoffs(holder)
        )

    def check_raises(self, holder: TrialHolder, check: PruneCheck) -> bool:
        """Whether a pruned trial raises `TrialPruned` after this check: in its branch, through
        a flag tested later in the same function, or through a flag the check sets on an
        instance (`self.is_pruned = True`) that the function which built the instance tests
        before raising (`if callback.is_pruned: raise optuna.TrialPruned()`)."""
        if check.raises:
            return True
        if holder.creator is None:
            return False
        path, qualname, binding = holder.creator
        creator = self._functions_of(path).get(qualname)
        if creator is None:
            return False
        return any(
            flag.startswith("self.") and f"{binding}.{flag[len('self.') :]}" in creator.flag_raises
            for flag in check.flags
        )

    # Resolving names

    def resolve(
        self,
        path: str,
        scope: str,
        callee: CalleeRef,
        instance: tuple[str, str] | None = None,
    ) -> Target | None:
        """What a name written in `scope` of `path` refers to, or None when unknown."""
        key = (path, scope, callee, instance)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(path, scope, callee, instance)
        return self._resolved[key]

    def _resolve(
        self,
        path: str,
        scope: str,
        callee: CalleeRef,
        instance: tuple[str, str] | None,
    ) -> Target | None:
        if callee.kind == "local":
            return self._local_definition(path, callee.name, scope)
        if callee.kind == "self":
            owner = instance
            if owner is None:
                function = self._functions_of(path).get(scope)
                owner = self._owner_class(path, function) if function else None
            if owner is None:
                return None
            cls = self._classes_of(owner[0]).get(owner[1])
            return self._method(owner[0], cls, callee.name) if cls else None
        if callee.kind == "qualified":
            return self._resolve_qualified(path, callee.name, 0)
        return None

    def _resolve_qualified(self, importer: str, name: str, depth: int) -> Target | None:
        if self.index is None or importer not in self.index:
            return None if name.startswith(".") else ExternalTarget(name)
        absolute = self.index.absolute(name, importer)
        if absolute is None or depth > _MAX_RESOLUTION_DEPTH:
            return None
        parts = absolute.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self.index.module(".".join(parts[:cut]), importer)
            if module is not None:
                return self._member(module, parts[cut:], depth)
        if name.startswith("."):
            return None
        return ExternalTarget(absolute)

    def _member(self, path: str, attributes: list[str], depth: int) -> Target | None:
        """`attributes` looked up in the module `path`: a function, a class, a method of a
        class, or a name the module imports from elsewhere."""
        facts = self.facts(path)
        if facts is None:
            return None
        first, rest = attributes[0], attributes[1:]
        function = self._functions_of(path).get(first)
        if function is not None and function.class_name is None and not rest:
            return FunctionTarget(path, function)
        cls = self._classes_of(path).get(first)
        if cls is not None:
            if not rest:
                return ClassTarget(path, cls)
            if len(rest) == 1:
                return self._method(path, cls, rest[0])
            return None
        imported = dict(facts.imports).get(first)
        if imported is not None:
            return self._resolve_qualified(path, ".".join([imported, *rest]), depth + 1)
        return None

    def _local_definition(self, path: str, name: str, scope: str) -> Target | None:
        """The function or class a plain name refers to from `scope`: defined in it, in a
        function around it, or at module level."""
        functions, classes = self._functions_of(path), self._classes_of(path)
        while scope != MODULE_SCOPE:
            qualname = f"{scope}.<locals>.{name}"
            if qualname in functions:
                return FunctionTarget(path, functions[qualname])
            if qualname in classes:
                return ClassTarget(path, classes[qualname])
            enclosing = functions.get(scope)
            if enclosing is None or enclosing.parent is None:
                break
            scope = enclosing.parent
        facts = self.facts(path)
        if facts is None or name in facts.module_bindings:
            return None
        function = functions.get(name)
        if function is not None and function.class_name is None:
            return FunctionTarget(path, function)
        return ClassTarget(path, classes[name]) if name in classes else None

    # Classes

    def _owner_class(self, path: str, function: FunctionFacts) -> tuple[str, str] | None:
        functions = self._functions_of(path)
        current: FunctionFacts | None = function
        while current is not None:
            if current.class_name is not None:
                return path, current.class_name
            current = functions.get(current.parent) if current.parent else None
        return None

    def class_lineage(self, target: ClassTarget) -> list[tuple[str, ClassFacts]]:
        """The class and its bases that are classes of the project, nearest first, each with
        the file it is defined in."""
        return self._mro(target.path, target.cls)

    def _mro(self, path: str, cls: ClassFacts) -> list[tuple[str, ClassFacts]]:
        """The class and its bases that are classes of the project, nearest first."""
        key = (path, cls.qualname)
        if key not in self._mros:
            self._mros[key] = self._compute_mro(path, cls)
        return self._mros[key]

    def _compute_mro(self, path: str, cls: ClassFacts) -> list[tuple[str, ClassFacts]]:
        order: list[tuple[str, ClassFacts]] = []
        pending = [(path, cls, 0)]
        while pending:
            current_path, current, depth = pending.pop(0)
            if any(p == current_path and c.qualname == current.qualname for p, c in order):
                continue
            order.append((current_path, current))
            if depth >= _MAX_RESOLUTION_DEPTH:
                continue
            for base in current.bases:
                target = self.resolve(current_path, MODULE_SCOPE, base)
                if isinstance(target, ClassTarget):
                    pending.append((target.path, target.cls, depth + 1))
        return order

    def _method(self, path: str, cls: ClassFacts, name: str) -> FunctionTarget | None:
        for class_path, base in self._mro(path, cls):
            function = self._functions_of(class_path).get(f"{base.qualname}.{name}")
            if function is not None:
                return FunctionTarget(class_path, function)
        return None

    def _derives_from(self, target: ClassTarget, is_wanted: Callable[[str], bool]) -> bool:
        """Whether the class, or a base of it in the project, derives from an outside class
        whose qualified name `is_wanted`."""
        for class_path, cls in self._mro(target.path, target.cls):
            for base in cls.bases:
                resolved = self.resolve(class_path, MODULE_SCOPE, base)
                if isinstance(resolved, ExternalTarget) and is_wanted(resolved.qualified):
                    return True
        return False


def _distinct(holders: Iterable[TrialHolder]) -> Iterator[TrialHolder]:
    """Each holder once, in order."""
    seen = set()
    for holder in holders:
        key = (holder.path, holder.function.qualname, holder.variable, holder.instance)
        if key not in seen:
            seen.add(key)
            yield holder


def _annotated_holders(path: str, functions: Iterable[FunctionFacts]) -> Iterator[TrialHolder]:
    """Functions with a parameter annotated as an Optuna trial, holding it there."""
    for function in functions:
        for parameter in function.parameters:
            if parameter.annotation in TRIAL_ANNOTATIONS:
                yield TrialHolder(path, function, parameter.name)


def _runs_as_written(function: FunctionFacts) -> bool:
    """Whether calling the function runs its body: not a placeholder that a subclass or another
    module implements, and not wrapped by a decorator that may call it differently."""
    return not function.is_stub and not function.decorators


def _is_optuna_pruner_class(qualified: str) -> bool:
    module, _, name = qualified.rpartition(".")
    return qualified == BASE_PRUNER or (module == PRUNERS_MODULE and name in OPTUNA_PRUNERS)


def _with_function(holder: TrialHolder, path: str, function: FunctionFacts) -> TrialHolder:
    return TrialHolder(
        path, function, holder.variable, holder.instance, holder.creator, holder.exact
    )


def _with_variable(holder: TrialHolder, variable: str) -> TrialHolder:
    return TrialHolder(
        holder.path, holder.function, variable, holder.instance, holder.creator, holder.exact
    )


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
