"""Turns one module into the `FileFacts` the rules read.

`traversal` walks the parsed module once and keeps the nodes that matter; `function_analysis`
answers the questions that need a whole function; this module resolves what studies, pruners
and objectives each call names, computes the positions of every node a fact mentions in one
pass, and produces plain data.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from optuna_lint.callback_analysis import CallbackAnalysis
from optuna_lint.constant_values import known_number, known_value
from optuna_lint.facts import (
    ClassFacts,
    FileFacts,
    ModuleNames,
    ObjectiveRef,
    OptimizeCall,
    OptunaImport,
    OptunaReference,
    PrunerArgument,
    PrunerConstruction,
    PrunerRef,
    StudyFacts,
)
from optuna_lint.findings import Location, Span
from optuna_lint.function_analysis import FunctionAnalysis
from optuna_lint.imports import ImportTable
from optuna_lint.optuna_api import (
    OPTUNA_PRUNERS,
    PARTIAL,
    PRUNERS_MODULE,
    SUMMARY_WRITERS,
    TRIAL_PRUNED,
)
from optuna_lint.positions import NodeOffsets, node_offsets
from optuna_lint.source import LineIndex
from optuna_lint.syntax import argument, literal_bool, literal_string
from optuna_lint.traversal import (
    FunctionRecord,
    RawOptimize,
    RawSinkCall,
    RawStudy,
    Traversal,
    top_level_imports,
)

# How many variables deep a pruner or objective is looked up (`p = q`, `q = MedianPruner()`).
_MAX_VARIABLE_DEPTH = 8


def gather_facts(module: cst.Module, text: str, metric_sinks: tuple[str, ...] = ()) -> FileFacts:
    """Analyse a parsed module; `text` is the source it was parsed from, `metric_sinks` the
    user's patterns of calls that log metrics."""
    # Names are resolved through every import, also those inside functions; code a fix
    # inserts may only use the names that module-level imports bind.
    traversal = Traversal(top_level_imports(module), metric_sinks)
    module.visit(traversal)
    return FactBuilder(module, text, traversal, top_level_imports(module)).build()


class FactBuilder:
    def __init__(
        self,
        module: cst.Module,
        text: str,
        traversal: Traversal,
        module_imports: ImportTable,
    ) -> None:
        self.module = module
        self.text = text
        self.traversal = traversal
        self.imports = traversal.imports
        self.module_imports = module_imports
        self.lines = LineIndex(text)
        self.offsets: dict[int, NodeOffsets] = {}
        self._pruners_given: set[int] = set()  # pruner calls some study receives

    def build(self) -> FileFacts:
        traversal = self.traversal
        self.reads_within = _reads_within(traversal.functions)
        analyses = [FunctionAnalysis(record, self) for record in traversal.functions]
        callbacks = CallbackAnalysis(self)
        wanted = self._wanted_nodes(analyses)
        wanted.extend(callbacks.wanted_nodes())
        self.offsets = node_offsets(self.module, wanted)

        studies = tuple(self._study(raw) for raw in traversal.studies)
        study_index = {id(raw.call): index for index, raw in enumerate(traversal.studies)}
        return FileFacts(
            imports=tuple(self.module_imports.items()),
            names=self._module_names(),
            functions=tuple(analysis.facts() for analysis in analyses),
            classes=tuple(
                ClassFacts(
                    record.qualname,
                    record.node.name.value,
                    tuple(record.bases),
                    self.span(record.node),
                )
                for record in traversal.classes
            ),
            studies=studies,
            pruners=tuple(
                PrunerConstruction(
                    class_name=raw.class_name,
                    scope=traversal.scope_name(raw.scope),
                    binding=raw.binding,
                    given_to_study=id(raw.call) in self._pruners_given,
                    span=self.span(raw.call),
                    keywords=tuple(
                        (arg.keyword.value, self.span(arg.keyword))
                        for arg in raw.call.args
                        if arg.keyword is not None
                    ),
                    binding_read=self._is_read(raw.binding, raw.scope),
                    arguments=self._pruner_arguments(raw.call, raw.scope),
                    unpacked_arguments=any(arg.star for arg in raw.call.args),
                )
                for raw in traversal.pruners
            ),
            optuna_references=tuple(
                OptunaReference(qualified, self.span(name), self.span(node), checked)
                for qualified, name, node, checked in traversal.optuna_references
            ),
            optuna_imports=tuple(
                OptunaImport(
                    module=raw.module,
                    span=self.span(raw.module_node),
                    statement_span=self.span_between(*raw.statement),
                    names=raw.names,
                    bound=raw.bound,
                    fallback=raw.fallback,
                    in_function=raw.in_function,
                )
                for raw in traversal.optuna_imports
            ),
            assigned_names=tuple(sorted(self._assigned_names())),
            optimize_calls=tuple(
                self._optimize(raw, study_index) for raw in traversal.optimize_calls
            ),
            module_bindings=tuple(sorted(traversal.module_bindings)),
            pruning_callbacks=callbacks.facts(),
        )

    def _wanted_nodes(self, analyses: list[FunctionAnalysis]) -> list[cst.CSTNode]:
        traversal = self.traversal
        wanted: list[cst.CSTNode] = list(self.module.body[-1:])
        wanted.extend(self._last_import_statement())
        for analysis in analyses:
            wanted.extend(analysis.wanted_nodes())
        wanted.extend(record.node for record in traversal.classes)
        wanted.extend(raw.call for raw in traversal.studies)
        wanted.extend(
            arg
            for raw in traversal.studies
            if (arg := _keyword_argument(raw.call, "pruner")) is not None
        )
        wanted.extend(
            arg.value
            for raw in traversal.studies
            if (arg := _keyword_argument(raw.call, "pruner")) is not None
        )
        wanted.extend(raw.call for raw in traversal.pruners)
        wanted.extend(
            arg.value
            for raw in traversal.pruners
            for arg in raw.call.args
            if arg.keyword is None and not arg.star
        )
        wanted.extend(loop for raw in traversal.studies for loop in raw.loops)
        wanted.extend(loop for raw in traversal.optimize_calls for loop in raw.loops)
        wanted.extend(
            arg.keyword for raw in traversal.pruners for arg in raw.call.args if arg.keyword
        )
        wanted.extend(
            positional[0]
            for raw in traversal.studies
            if (positional := [a.value for a in raw.call.args if a.keyword is None and not a.star])
        )
        for _, name, node, _ in traversal.optuna_references:
            wanted.extend((name, node))
        for raw in traversal.optuna_imports:
            wanted.extend((raw.module_node, *raw.statement))
        wanted.extend(raw.call for raw in traversal.optimize_calls)
        return wanted

    def _last_import_statement(self) -> list[cst.CSTNode]:
        last = None
        for statement in self.module.body:
            if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
            ):
                last = statement
        return [last] if last is not None else []

    def span(self, node: cst.CSTNode) -> Span:
        return self.span_between(node, node)

    def span_between(self, first: cst.CSTNode, last: cst.CSTNode) -> Span:
        """From the start of `first` to the end of `last`."""
        start, end = self.offsets[id(first)].start, self.offsets[id(last)].end
        return Span(
            start,
            end,
            Location(*self.lines.location(start)),
            Location(*self.lines.location(end)),
        )

    def _assigned_names(self) -> set[str]:
        names = {
            name
            for scope in self.traversal.assignments.values()
            for name, values in scope.items()
            if any(value is not None for value in values)
        }
        for record in self.traversal.functions:
            names |= record.parameter_names | record.variables
        return names

    def _is_read(self, name: str | None, scope: FunctionRecord | None) -> bool:
        """Whether code that can see a binding reads the name: the function (and the functions
        nested in it), or for a module-level name, any code of the module. An attribute binding
        (`self.pruner = ...`) counts as read."""
        if name is None or "." in name:
            return True
        if scope is not None and name in scope.outer_names:
            scope = None  # `global name`: a module-level binding
        if scope is not None:
            return name in self.reads_within[id(scope)]
        return name in self.traversal.module_reads or any(
            name in record.reads for record in self.traversal.functions
        )

    def indent_at(self, offset: int) -> str:
        """The text from the start of the line holding `offset` up to it."""
        return self.text[self.lines.line_start(self.lines.location(offset)[0]) : offset]

    def start(self, node: cst.CSTNode) -> int:
        return self.offsets[id(node)].start

    def _module_names(self) -> ModuleNames:
        trial_pruned = None
        by_name = self.module_imports.local_names_for(TRIAL_PRUNED)
        if by_name:
            trial_pruned = by_name[0]
        else:
            for module_name in ("optuna", "optuna.exceptions"):
                aliases = self.module_imports.local_names_for(module_name)
                if aliases:
                    trial_pruned = f"{aliases[0]}.TrialPruned"
                    break

        last_import = self._last_import_statement()
        if last_import:
            insert_at = self.offsets[id(last_import[0])].outer_end
        else:
            insert_at = self._offset_after_docstring()
        return ModuleNames(
            trial_pruned, insert_at, self.module.default_newline, self.module.default_indent
        )

    def _offset_after_docstring(self) -> int:
        """Where the first import of a module without imports goes: after its docstring, or
        after the comment lines heading the module."""
        if self.module.get_docstring() is not None:
            first = self.module.body[0]
            return node_offsets(self.module, [first])[id(first)].outer_end
        return sum(len(self.module.code_for_node(line)) for line in self.module.header)

    # Variables

    def _value_of(
        self, name: str, scope: FunctionRecord | None
    ) -> tuple[cst.BaseExpression | None, FunctionRecord | None] | None:
        """The one value a variable is assigned in the nearest scope binding it, with that
        scope; None when it is bound otherwise, several times, or not at all."""
        while True:
            if scope is not None and name in scope.parameter_names:
                return None
            values = self.traversal.assignments.get(self.traversal.scope_name(scope), {}).get(name)
            if values:
                break
            if scope is None:
                return None
            scope = scope.parent
        distinct = {id(value) for value in values}
        if len(distinct) != 1 or values[0] is None:
            return None
        return values[0], scope

    # Constants

    def constant_lookup(
        self, scope: FunctionRecord | None
    ) -> Callable[[str], cst.BaseExpression | None]:
        """How code in `scope` finds the value of a name that is a module constant: bound once,
        by a plain assignment at module level, and nowhere else (no local binding shadows it,
        no function rebinds it through `global`, no import binds it)."""

        def lookup(name: str) -> cst.BaseExpression | None:
            if _imports_of(scope, self.imports).is_bound(name):
                return None
            if any(name in record.outer_names for record in self.traversal.functions):
                return None
            found = self._value_of(name, scope)
            if found is None or found[1] is not None:
                return None
            return found[0]

        return lookup

    def _pruner_arguments(
        self, call: cst.Call, scope: FunctionRecord | None
    ) -> tuple[PrunerArgument, ...]:
        lookup = self.constant_lookup(scope)
        arguments = []
        position = 0
        for arg in call.args:
            if arg.star:
                continue
            value = known_value(arg.value, lookup)
            if arg.keyword is not None:
                arguments.append(
                    PrunerArgument(arg.keyword.value, None, value, self.span(arg.keyword))
                )
            else:
                arguments.append(PrunerArgument(None, position, value, self.span(arg.value)))
                position += 1
        return tuple(arguments)

    def value_of(
        self, name: str, scope: FunctionRecord | None
    ) -> tuple[cst.BaseExpression, FunctionRecord | None] | None:
        """The one value a variable is assigned in the nearest scope binding it, with that
        scope; None when it is a parameter, bound otherwise, several times, or not at all."""
        found = self._value_of(name, scope)
        return None if found is None or found[0] is None else found

    def imports_in(self, scope: FunctionRecord | None) -> ImportTable:
        """The import table in force in `scope`."""
        return _imports_of(scope, self.imports)

    # Metric sinks

    def sink_name(self, sink_call: RawSinkCall, scope: FunctionRecord) -> str | None:
        """What a possible metric sink is: the function's name, or `SummaryWriter.<method>`
        when it is called on a name bound to a TensorBoard writer; None otherwise."""
        if sink_call.receiver is None:
            return sink_call.sink
        receiver = sink_call.receiver
        if receiver.startswith("self.") and receiver.count(".") == 1 and scope.owner_class:
            # `self.writer = SummaryWriter(...)` in a method of the class, once.
            values = self.traversal.attribute_values.get((scope.owner_class, receiver), [])
            value, value_scope = (values[0], None) if len(values) == 1 else (None, None)
        elif "." in receiver:
            return None
        else:
            found = self._value_of(receiver, scope)
            value, value_scope = found if found is not None else (None, None)
        if isinstance(value, cst.Call):
            imports = _imports_of(value_scope, self.imports)
            if imports.resolve_expression(value.func) in SUMMARY_WRITERS:
                return f"SummaryWriter.{sink_call.sink}"
        return None

    def is_study(self, name: str) -> bool:
        """Whether a name or attribute is bound to a study created or loaded in this file."""
        return any(raw.binding == name for raw in self.traversal.studies)

    # Studies and pruners

    def _study(self, raw: RawStudy) -> StudyFacts:
        pruner_expression = argument(raw.call, 2, "pruner")
        pruner = self._pruner_ref(pruner_expression, raw.scope, depth=0)
        pruner_arg = _keyword_argument(raw.call, "pruner")
        misuse, pruner_class = self._pruner_misuse(pruner_expression, raw.scope)
        positional = [arg.value for arg in raw.call.args if arg.keyword is None and not arg.star]
        return StudyFacts(
            scope=self.traversal.scope_name(raw.scope),
            class_name=raw.scope.owner_class if raw.scope else None,
            binding=raw.binding,
            factory=raw.factory,
            pruner=pruner,
            direction_count=_direction_count(raw.call),
            span=self.span(raw.call),
            study_name=literal_string(argument(raw.call, 99, "study_name")),
            has_storage=argument(raw.call, 99, "storage") is not None,
            load_if_exists=literal_bool(argument(raw.call, 99, "load_if_exists")),
            pruner_argument=self.span(pruner_arg) if pruner_arg is not None else None,
            pruner_value=self.span(pruner_arg.value) if pruner_arg is not None else None,
            pruner_misuse=misuse,
            pruner_class=pruner_class,
            direction=_direction(raw.call),
            positional_argument=self.span(positional[0]) if positional else None,
            unpacked_arguments=any(arg.star for arg in raw.call.args),
            loops=tuple(self.start(loop) for loop in raw.loops),
            handed_on=raw.binding is not None
            and raw.binding.split(".")[-1] in self.traversal.handed_on,
        )

    def _pruner_misuse(
        self, expression: cst.BaseExpression | None, scope: FunctionRecord | None
    ) -> tuple[str | None, str | None]:
        """What is wrong with a `pruner=` value that is not a pruner, if it is evidently not."""
        if isinstance(expression, (cst.Name, cst.Attribute)):
            qualified = _imports_of(scope, self.imports).resolve_expression(expression) or ""
            module, _, name = qualified.rpartition(".")
            if module == PRUNERS_MODULE and name in OPTUNA_PRUNERS:
                return "class", name
            if isinstance(expression, cst.Name) and expression.value in ("True", "False"):
                return ("truthy" if expression.value == "True" else "falsy"), None
        if isinstance(expression, (cst.Integer, cst.Float)):
            return ("truthy" if expression.evaluated_value else "falsy"), None
        if isinstance(expression, (cst.SimpleString, cst.ConcatenatedString)):
            return ("truthy" if expression.evaluated_value else "falsy"), None
        return None, None

    def _pruner_ref(
        self, expression: cst.BaseExpression | None, scope: FunctionRecord | None, depth: int
    ) -> PrunerRef:
        if expression is None or (isinstance(expression, cst.Name) and expression.value == "None"):
            return PrunerRef("absent")
        if depth > _MAX_VARIABLE_DEPTH:
            return PrunerRef("unknown")
        if isinstance(expression, cst.Call):
            qualified = _imports_of(scope, self.imports).resolve_expression(expression.func) or ""
            module, _, class_name = qualified.rpartition(".")
            if module != PRUNERS_MODULE:
                callee = self.traversal.callee(
                    expression.func, scope, _imports_of(scope, self.imports)
                )
                if callee.kind in ("local", "qualified"):
                    return PrunerRef("call", callee=callee)
                return PrunerRef("unknown")
            if class_name not in OPTUNA_PRUNERS:
                return PrunerRef("unknown")
            self._pruners_given.add(id(expression))
            wrapped = None
            if class_name == "PatientPruner":
                inner = argument(expression, 0, "wrapped_pruner")
                wrapped = self._pruner_ref(inner, scope, depth + 1)
            return PrunerRef(
                "class",
                class_name=class_name,
                wrapped=wrapped,
                configured=bool(expression.args),
                construction=self.start(expression),
            )
        if isinstance(expression, cst.Name):
            if _imports_of(scope, self.imports).is_bound(expression.value):
                return PrunerRef("unknown")
            found = self._value_of(expression.value, scope)
            if found is None:
                return PrunerRef("unknown")
            value, value_scope = found
            return self._pruner_ref(value, value_scope, depth + 1)
        return PrunerRef("unknown")

    # Objectives

    def _optimize(self, raw: RawOptimize, study_index: dict[int, int]) -> OptimizeCall:
        return OptimizeCall(
            scope=self.traversal.scope_name(raw.scope),
            class_name=raw.scope.owner_class if raw.scope else None,
            study_variable=raw.study_variable if raw.study_call is None else None,
            study_index=study_index.get(id(raw.study_call)) if raw.study_call else None,
            objective=self._objective_ref(raw.objective, raw.scope, depth=0),
            span=self.span(raw.call),
            n_trials=_whole_number(
                known_number(argument(raw.call, 1, "n_trials"), self.constant_lookup(raw.scope))
            ),
            study_is_local=raw.scope is not None
            and raw.study_variable is not None
            and "." not in raw.study_variable
            and (
                raw.study_variable in raw.scope.parameter_names
                or raw.study_variable in self.traversal.assignments.get(raw.scope.qualname, {})
            ),
            loops=tuple(self.start(loop) for loop in raw.loops),
        )

    def _objective_ref(
        self, expression: cst.BaseExpression | None, scope: FunctionRecord | None, depth: int
    ) -> ObjectiveRef:
        if expression is None or depth > _MAX_VARIABLE_DEPTH:
            return ObjectiveRef("unknown")
        if isinstance(expression, cst.Lambda):
            record = next(r for r in self.traversal.functions if r.node is expression)
            return ObjectiveRef("lambda", name=record.qualname)
        if isinstance(expression, cst.Call):
            return self._called_objective(expression, scope)
        imports = _imports_of(scope, self.imports)
        if isinstance(expression, cst.Name) and not imports.is_bound(expression.value):
            if _is_parameter(expression.value, scope):
                return ObjectiveRef("unknown")
            found = self._value_of(expression.value, scope)
            if found is not None:
                value, value_scope = found
                return self._objective_ref(value, value_scope, depth + 1)
        callee = self.traversal.callee(expression, scope, imports)
        if callee.kind in ("local", "self", "qualified"):
            return ObjectiveRef("function", callee=callee)
        return ObjectiveRef("unknown")

    def _called_objective(self, call: cst.Call, scope: FunctionRecord | None) -> ObjectiveRef:
        """`functools.partial(f, ...)` or `Objective(...)`, an instance with `__call__`."""
        if any(arg.star for arg in call.args):
            return ObjectiveRef("unknown")
        if _imports_of(scope, self.imports).resolve_expression(call.func) == PARTIAL:
            positional = [arg for arg in call.args if arg.keyword is None]
            if not positional:
                return ObjectiveRef("unknown")
            inner = self._objective_ref(positional[0].value, scope, depth=1)
            if inner.kind != "function":
                return ObjectiveRef("unknown")
            return ObjectiveRef(
                "partial",
                callee=inner.callee,
                bound_positional=len(positional) - 1,
                bound_keywords=tuple(arg.keyword.value for arg in call.args if arg.keyword),
            )
        callee = self.traversal.callee(call.func, scope, _imports_of(scope, self.imports))
        if callee.kind in ("local", "qualified"):
            return ObjectiveRef("instance", callee=callee)
        return ObjectiveRef("unknown")


def _whole_number(value: int | float | None) -> int | None:
    """A count such as `n_trials`: an `int`, or a float with no fraction (`2e3`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) else None


def _keyword_argument(call: cst.Call, keyword: str) -> cst.Arg | None:
    return next(
        (arg for arg in call.args if arg.keyword is not None and arg.keyword.value == keyword),
        None,
    )


def _reads_within(functions: list[FunctionRecord]) -> dict[int, set[str]]:
    """For each function (by `id`), the names read by its code and by the functions nested in
    it. The traversal lists a function before the functions nested in it."""
    reads = {id(record): set(record.reads) for record in functions}
    for record in reversed(functions):
        if record.parent is not None:
            reads[id(record.parent)] |= reads[id(record)]
    return reads


def _imports_of(scope: FunctionRecord | None, module_imports: ImportTable) -> ImportTable:
    """The import table in force in `scope`: the module's, plus the imports of the function."""
    return scope.imports if scope is not None and scope.imports is not None else module_imports


def _is_parameter(name: str, scope: FunctionRecord | None) -> bool:
    """Whether a name is a parameter of `scope` or of a function around it."""
    while scope is not None:
        if name in scope.parameter_names:
            return True
        scope = scope.parent
    return False


def _direction(call: cst.Call) -> str | None:
    """The optimisation direction of a single-objective study, when written as a literal."""
    if any(arg.star for arg in call.args):
        return None  # `**options` may set it
    directions = argument(call, 99, "directions")
    if directions is not None:
        if isinstance(directions, (cst.List, cst.Tuple)) and len(directions.elements) == 1:
            return _direction_name(directions.elements[0].value)
        return None
    direction = argument(call, 99, "direction")
    return "minimize" if direction is None else _direction_name(direction)


def _direction_name(expression: cst.BaseExpression) -> str | None:
    """`"maximize"`, or `StudyDirection.MAXIMIZE`, as "maximize"."""
    text = literal_string(expression)
    if text is None and isinstance(expression, cst.Attribute):
        text = expression.attr.value
    text = text.lower() if text else None
    return text if text in ("minimize", "maximize") else None


def _direction_count(call: cst.Call) -> int | None:
    if any(arg.star for arg in call.args):
        return None  # `**options` may set it
    directions = argument(call, 99, "directions")
    if directions is None:
        return 1
    if isinstance(directions, (cst.List, cst.Tuple)) and not any(
        isinstance(element, cst.StarredElement) for element in directions.elements
    ):
        return len(directions.elements)
    return None
