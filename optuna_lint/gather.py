"""One traversal of a parsed module, producing the `FileFacts` the rules read.

The traversal notes the syntax nodes that matter (functions and their parameters, calls on
variables that may hold the trial, prune checks, studies, `optimize` calls, assignments) and a
little structure (which statement sits in which block). When it is done, the few analyses that
need a whole function (does a prune check raise, which `set_user_attr` calls follow one, where
a report could go) run over the nodes it kept, the positions of the nodes that facts mention are
computed in one pass, and everything is turned into plain data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from optuna_lint.facts import (
    MODULE_SCOPE,
    AttrAfterCheck,
    CalleeRef,
    FileFacts,
    FunctionFacts,
    ModuleNames,
    MoveBeforeCheck,
    ObjectiveRef,
    OptimizeCall,
    Parameter,
    PruneCheck,
    PrunerRef,
    ReportInsertion,
    StudyFacts,
    TrialCall,
    TrialEscape,
    TrialHandoff,
)
from optuna_lint.findings import Location, Span
from optuna_lint.imports import ImportTable, dotted_name
from optuna_lint.positions import NodeOffsets, node_offsets
from optuna_lint.source import LineIndex

OPTUNA_PRUNERS = frozenset(
    {
        "HyperbandPruner",
        "MedianPruner",
        "NopPruner",
        "PatientPruner",
        "PercentilePruner",
        "SuccessiveHalvingPruner",
        "ThresholdPruner",
        "WilcoxonPruner",
    }
)
TRIAL_METHODS = frozenset({"report", "should_prune", "set_user_attr"})
TRIAL_PRUNED = "optuna.TrialPruned"
STUDY_FACTORIES = {"optuna.create_study": "create_study", "optuna.load_study": "load_study"}

# Builtins that can be handed the trial without reporting through it.
_INERT_BUILTINS = frozenset({"print", "repr", "str", "format", "isinstance", "id", "type", "hash"})
# Calls that only convert a value already computed; a value passed through one of them is
# still the value computed before.
_CONVERSIONS = frozenset(
    {"float", "int", "str", "bool", "round", "abs", "len", "min", "max", "sum", "list", "tuple"}
)
_CONVERSION_METHODS = frozenset({"item", "tolist", "detach", "cpu", "numpy"})
_LITERAL_NAMES = frozenset({"True", "False", "None"})
_TENSOR_TO_PYTHON = frozenset({"item", "tolist"})


def gather_facts(module: cst.Module, text: str) -> FileFacts:
    """Analyse a parsed module; `text` is the source it was parsed from."""
    # Names are resolved through every import, also those inside functions; code a fix
    # inserts may only use the names that module-level imports bind.
    imports = _top_level_imports(module)
    visitor = _Gatherer(imports)
    module.visit(visitor)
    return _FactBuilder(module, text, imports, visitor, _top_level_imports(module)).build()


def _top_level_imports(module: cst.Module) -> ImportTable:
    """The imports of the module body, also those under `if`/`try` at top level."""
    table = ImportTable()
    for statement in _flatten_top_level(module.body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    table.add_statement(small)
    return table


def _flatten_top_level(body: Sequence[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    for statement in body:
        yield statement
        if isinstance(statement, cst.If):
            yield from _flatten_top_level(_block(statement.body))
            if statement.orelse is not None:
                yield from _flatten_top_level(_block(statement.orelse.body))
        elif isinstance(statement, cst.Try):
            yield from _flatten_top_level(_block(statement.body))
            for handler in statement.handlers:
                yield from _flatten_top_level(_block(handler.body))


def _block(suite: cst.BaseSuite | cst.CSTNode) -> Sequence[cst.BaseStatement]:
    """The statements of an indented block; a one-line suite has none the analysis walks."""
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    if isinstance(suite, (cst.If, cst.Else)):
        return _block(suite.body)
    return ()


# --- The traversal -------------------------------------------------------------------------


@dataclass
class _Placement:
    """Where a statement sits: in which sub-block (role) of which parent, at which index."""

    parent: cst.CSTNode
    role: str
    index: int


@dataclass
class _FunctionRecord:
    node: cst.FunctionDef | cst.Lambda
    qualname: str
    name: str
    class_name: str | None
    parent: _FunctionRecord | None
    parameters: list[Parameter]
    trial_calls: list[tuple[str, str, cst.Call, cst.CSTNode | None]] = field(default_factory=list)
    handoffs: list[tuple[str, CalleeRef, int | None, str | None, cst.Call]] = field(
        default_factory=list
    )
    escapes: dict[str, cst.Name] = field(default_factory=dict)
    checks: list[tuple[str, cst.If]] = field(default_factory=list)
    flag_raises: list[tuple[str, cst.If]] = field(default_factory=list)
    # (name, statement) for every binding of a plain name in this function's own body.
    bindings: list[tuple[str, cst.CSTNode]] = field(default_factory=list)
    returns: list[cst.Return] = field(default_factory=list)
    outer_for_loops: list[cst.For] = field(default_factory=list)
    for_depth: int = 0
    lambda_count: int = 0

    @property
    def parameter_names(self) -> set[str]:
        return {parameter.name for parameter in self.parameters}


@dataclass
class _RawStudy:
    call: cst.Call
    scope: _FunctionRecord | None
    factory: str
    binding: str | None


@dataclass
class _RawOptimize:
    call: cst.Call
    scope: _FunctionRecord | None
    class_name: str | None
    study_variable: str | None
    study_call: cst.Call | None
    objective: ObjectiveRef


class _Gatherer(cst.CSTVisitor):
    def __init__(self, imports: ImportTable) -> None:
        super().__init__()
        self.imports = imports
        self.functions: list[_FunctionRecord] = []
        self.studies: list[_RawStudy] = []
        self.optimize_calls: list[_RawOptimize] = []
        self.placements: dict[int, _Placement] = {}
        # scope qualname -> name -> values assigned to it (None: bound some other way)
        self.assignments: dict[str, dict[str, list[cst.BaseExpression | None]]] = {}
        self.module_bindings: set[str] = set()

        self._functions: list[_FunctionRecord] = []
        self._classes: list[str] = []
        self._statements: list[cst.CSTNode] = []
        self._tracked: dict[str, int] = {}  # parameter names of the enclosing functions
        self._accounted: set[int] = set()  # Name nodes whose use is already understood
        self._binding_of_value: dict[int, str] = {}
        self._module_lambda_count = 0

    # Scopes ----------------------------------------------------------------------------

    @property
    def _function(self) -> _FunctionRecord | None:
        return self._functions[-1] if self._functions else None

    def _scope_name(self) -> str:
        return self._function.qualname if self._function else MODULE_SCOPE

    def _enter_function(self, record: _FunctionRecord) -> None:
        self.functions.append(record)
        self._functions.append(record)
        for name in record.parameter_names:
            self._tracked[name] = self._tracked.get(name, 0) + 1

    def _leave_function(self) -> None:
        record = self._functions.pop()
        for name in record.parameter_names:
            self._tracked[name] -= 1
            if not self._tracked[name]:
                del self._tracked[name]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._accounted.add(id(node.name))
        self._note_binding(node.name.value, node, None, by_definition=True)
        qualname = node.name.value
        if self._function is not None:
            qualname = f"{self._function.qualname}.<locals>.{qualname}"
        self._classes.append(qualname)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._accounted.add(id(node.name))
        self._note_binding(node.name.value, node, None, by_definition=True)
        in_class_body = bool(self._classes) and (
            self._function is None or self._classes[-1].startswith(self._function.qualname + ".")
        )
        class_name = self._classes[-1] if in_class_body else None
        if class_name is not None:
            qualname = f"{class_name}.{node.name.value}"
        elif self._function is not None:
            qualname = f"{self._function.qualname}.<locals>.{node.name.value}"
        else:
            qualname = node.name.value
        record = _FunctionRecord(
            node=node,
            qualname=qualname,
            name=node.name.value,
            class_name=class_name,
            parent=self._function,
            parameters=self._parameters(node.params),
        )
        self._enter_function(record)
        self._place_block(node, "body", node.body)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._leave_function()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        parent = self._function
        if parent is not None:
            parent.lambda_count += 1
            qualname = f"{parent.qualname}.<lambda#{parent.lambda_count}>"
        else:
            self._module_lambda_count += 1
            qualname = f"<lambda#{self._module_lambda_count}>"
        record = _FunctionRecord(
            node=node,
            qualname=qualname,
            name="<lambda>",
            class_name=None,
            parent=parent,
            parameters=self._parameters(node.params),
        )
        self._enter_function(record)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._leave_function()

    def _parameters(self, params: cst.Parameters) -> list[Parameter]:
        result = []
        groups = (
            ("positional_only", params.posonly_params),
            ("positional", params.params),
            ("keyword_only", params.kwonly_params),
        )
        for kind, group in groups:
            for param in group:
                result.append(Parameter(param.name.value, kind, self._annotation(param)))
        for kind, star in (("var_positional", params.star_arg), ("var_keyword", params.star_kwarg)):
            if isinstance(star, cst.Param):
                result.append(Parameter(star.name.value, kind, None))
        return result

    def _annotation(self, param: cst.Param) -> str | None:
        if param.annotation is None:
            return None
        annotation = param.annotation.annotation
        if isinstance(annotation, cst.SimpleString):
            name = annotation.evaluated_value
            return self.imports.resolve(name) if isinstance(name, str) else None
        return self.imports.resolve_expression(annotation)

    def visit_Param(self, node: cst.Param) -> None:
        self._accounted.add(id(node.name))

    # Statement structure ------------------------------------------------------------------

    def _place_block(self, parent: cst.CSTNode, role: str, suite: cst.CSTNode | None) -> None:
        for index, statement in enumerate(_block(suite) if suite is not None else ()):
            self.placements[id(statement)] = _Placement(parent, role, index)

    def _push_statement(self, node: cst.CSTNode) -> None:
        self._statements.append(node)

    def _pop_statement(self, node: cst.CSTNode) -> None:
        self._statements.pop()

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._push_statement(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._pop_statement(original_node)

    def visit_If(self, node: cst.If) -> None:
        self._push_statement(node)
        self._place_block(node, "body", node.body)
        if isinstance(node.orelse, cst.If):
            self.placements[id(node.orelse)] = _Placement(node, "orelse", 0)
        elif node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)
        self._note_prune_check(node)

    def leave_If(self, original_node: cst.If) -> None:
        self._pop_statement(original_node)

    def visit_For(self, node: cst.For) -> None:
        self._push_statement(node)
        self._place_block(node, "body", node.body)
        if node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)
        for name in _target_names(node.target):
            self._note_binding(name, node, None)
        function = self._function
        if function is not None:
            if function.for_depth == 0:
                function.outer_for_loops.append(node)
            function.for_depth += 1

    def leave_For(self, original_node: cst.For) -> None:
        self._pop_statement(original_node)
        if self._function is not None:
            self._function.for_depth -= 1

    def visit_While(self, node: cst.While) -> None:
        self._push_statement(node)
        self._place_block(node, "body", node.body)
        if node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)

    def leave_While(self, original_node: cst.While) -> None:
        self._pop_statement(original_node)

    def visit_With(self, node: cst.With) -> None:
        self._push_statement(node)
        self._place_block(node, "body", node.body)
        for item in node.items:
            if item.asname is not None:
                for name in _target_names(item.asname.name):
                    self._note_binding(name, node, None)

    def leave_With(self, original_node: cst.With) -> None:
        self._pop_statement(original_node)

    def visit_Try(self, node: cst.Try) -> None:
        self._visit_try(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._pop_statement(original_node)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._visit_try(node)

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._pop_statement(original_node)

    def _visit_try(self, node: cst.Try | cst.TryStar) -> None:
        self._push_statement(node)
        self._place_block(node, "body", node.body)
        for index, handler in enumerate(node.handlers):
            self._place_block(node, f"handler{index}", handler.body)
            if handler.name is not None:
                for name in _target_names(handler.name.name):
                    self._note_binding(name, node, None)
        if node.orelse is not None:
            self._place_block(node, "else", node.orelse.body)
        if node.finalbody is not None:
            self._place_block(node, "finally", node.finalbody.body)

    def visit_Match(self, node: cst.Match) -> None:
        self._push_statement(node)
        for index, case in enumerate(node.cases):
            self._place_block(node, f"case{index}", case.body)

    def leave_Match(self, original_node: cst.Match) -> None:
        self._pop_statement(original_node)

    # Bindings -----------------------------------------------------------------------------

    def _note_binding(
        self,
        name: str,
        statement: cst.CSTNode | None,
        value: cst.BaseExpression | None,
        by_definition: bool = False,
    ) -> None:
        scope = self._scope_name()
        self.assignments.setdefault(scope, {}).setdefault(name, []).append(value)
        if self._function is None:
            if not by_definition:
                self.module_bindings.add(name)
        elif statement is not None:
            self._function.bindings.append((name, statement))

    def _current_statement(self) -> cst.CSTNode | None:
        return self._statements[-1] if self._statements else None

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = dotted_name(target.target)
            if name is not None:
                self._binding_of_value[id(node.value)] = name
            plain = isinstance(target.target, cst.Name)
            for bound in _target_names(target.target):
                self._note_binding(bound, self._current_statement(), node.value if plain else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            return
        name = dotted_name(node.target)
        if name is not None:
            self._binding_of_value[id(node.value)] = name
        for bound in _target_names(node.target):
            self._note_binding(bound, self._current_statement(), node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        for bound in _target_names(node.target):
            self._note_binding(bound, self._current_statement(), None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        for bound in _target_names(node.target):
            self._note_binding(bound, self._current_statement(), node.value)

    def visit_Import(self, node: cst.Import) -> bool:
        if self._function is not None:
            self.imports.add_statement(node)
        for alias in node.names:
            bound = alias.evaluated_alias or (dotted_name(alias.name) or "").split(".")[0]
            if bound:
                self._note_binding(bound, self._current_statement(), None)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if self._function is not None:
            self.imports.add_statement(node)
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                self._note_binding(bound, self._current_statement(), None)
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if self._function is not None:
            self._function.returns.append(node)

    # Uses of variables that may hold the trial ----------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._accounted.add(id(node.attr))
        if isinstance(node.value, cst.Name):
            self._accounted.add(id(node.value))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._accounted.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self._tracked and id(node) not in self._accounted:
            function = self._function
            if function is not None and node.value not in function.escapes:
                function.escapes[node.value] = node

    def visit_Call(self, node: cst.Call) -> None:
        function = self._function
        if function is not None:
            self._note_trial_call(function, node)
            self._note_handoffs(function, node)

        qualified = self.imports.resolve_expression(node.func)
        if qualified in STUDY_FACTORIES:
            self.studies.append(
                _RawStudy(
                    call=node,
                    scope=function,
                    factory=STUDY_FACTORIES[qualified],
                    binding=self._binding_of_value.get(id(node)),
                )
            )
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "optimize":
            self._note_optimize(node)

    def _note_trial_call(self, function: _FunctionRecord, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute) or node.func.attr.value not in TRIAL_METHODS:
            return
        receiver = dotted_name(node.func.value)
        if receiver is not None:
            function.trial_calls.append(
                (receiver, node.func.attr.value, node, self._current_statement())
            )

    def _note_handoffs(self, function: _FunctionRecord, node: cst.Call) -> None:
        position = 0
        for arg in node.args:
            value = arg.value
            is_tracked = isinstance(value, cst.Name) and value.value in self._tracked
            if arg.star:
                # `f(*args)` hands over an unknown mix of values; the Name is left unaccounted
                # and becomes an escape when it is a tracked variable.
                continue
            if is_tracked:
                self._accounted.add(id(value))
                function.handoffs.append(
                    (
                        value.value,
                        self._callee(node.func, function),
                        None if arg.keyword else position,
                        arg.keyword.value if arg.keyword else None,
                        node,
                    )
                )
            if arg.keyword is None:
                position += 1

    def _callee(self, func: cst.BaseExpression, function: _FunctionRecord) -> CalleeRef:
        if isinstance(func, cst.Name):
            if func.value in _INERT_BUILTINS:
                return CalleeRef("builtin", func.value)
            if self.imports.is_bound(func.value):
                return CalleeRef("qualified", self.imports.resolve(func.value) or "")
            return CalleeRef("local", func.value)
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and _method_owner(function) is not None
        ):
            return CalleeRef("self", func.attr.value)
        qualified = self.imports.resolve_expression(func)
        if qualified is not None:
            return CalleeRef("qualified", qualified)
        return CalleeRef("unknown", dotted_name(func) or "")

    def _note_optimize(self, node: cst.Call) -> None:
        func = node.func
        assert isinstance(func, cst.Attribute)
        receiver = func.value
        study_variable = dotted_name(receiver)
        study_call = None
        if isinstance(receiver, cst.Call):
            if self.imports.resolve_expression(receiver.func) not in STUDY_FACTORIES:
                return
            study_call = receiver
        elif study_variable is None:
            return

        objective_arg = _argument(node, 0, "func")
        function = self._function
        self.optimize_calls.append(
            _RawOptimize(
                call=node,
                scope=function,
                class_name=_method_owner(function) if function else None,
                study_variable=study_variable,
                study_call=study_call,
                objective=self._objective_ref(objective_arg, function),
            )
        )

    def _objective_ref(
        self, expression: cst.BaseExpression | None, function: _FunctionRecord | None
    ) -> ObjectiveRef:
        if isinstance(expression, cst.Name) and not self.imports.is_bound(expression.value):
            return ObjectiveRef("local", expression.value)
        if (
            isinstance(expression, cst.Attribute)
            and isinstance(expression.value, cst.Name)
            and expression.value.value == "self"
            and function is not None
            and _method_owner(function) is not None
        ):
            return ObjectiveRef("self", expression.attr.value)
        if isinstance(expression, cst.Lambda):
            # Named once the lambda's own record exists (it is visited after this call).
            return ObjectiveRef("lambda", "")
        return ObjectiveRef("unknown")

    def _note_prune_check(self, node: cst.If) -> None:
        function = self._function
        if function is None:
            return
        receiver = _should_prune_receiver(node.test)
        if receiver is not None:
            function.checks.append((receiver, node))
        elif isinstance(node.test, cst.Name) and _raises_trial_pruned(node.body, self.imports):
            function.flag_raises.append((node.test.value, node))


def _method_owner(function: _FunctionRecord | None) -> str | None:
    """The class whose method `function` is, looking through nested functions and lambdas."""
    while function is not None:
        if function.class_name is not None:
            return function.class_name
        function = function.parent
    return None


def _argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    positional = [arg for arg in call.args if arg.keyword is None and not arg.star]
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if len(positional) > position:
        return positional[position].value
    return None


def _target_names(target: cst.CSTNode) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)


def _should_prune_receiver(test: cst.BaseExpression) -> str | None:
    """`trial` for tests such as `trial.should_prune()` or `x and trial.should_prune()`."""
    if isinstance(test, cst.Call):
        func = test.func
        if isinstance(func, cst.Attribute) and func.attr.value == "should_prune":
            return dotted_name(func.value)
        return None
    if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.And):
        return _should_prune_receiver(test.left) or _should_prune_receiver(test.right)
    if isinstance(test, cst.Comparison):
        return _should_prune_receiver(test.left)
    return None


def _raises_trial_pruned(suite: cst.CSTNode, imports: ImportTable) -> bool:
    """Whether a block raises `TrialPruned` somewhere (nested functions and classes aside)."""
    if isinstance(suite, cst.SimpleStatementSuite):
        return any(_is_trial_pruned_raise(small, imports) for small in suite.body)
    for statement in _block(suite):
        if isinstance(statement, cst.SimpleStatementLine):
            if any(_is_trial_pruned_raise(small, imports) for small in statement.body):
                return True
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            continue
        elif any(_raises_trial_pruned(block, imports) for block in _sub_blocks(statement)):
            return True
    return False


def _sub_blocks(statement: cst.BaseStatement) -> Iterator[cst.CSTNode]:
    for attribute in ("body", "orelse", "finalbody"):
        child = getattr(statement, attribute, None)
        if isinstance(child, cst.If):
            yield from _sub_blocks(child)
            yield child.body
        elif isinstance(child, (cst.Else, cst.Finally)):
            yield child.body
        elif isinstance(child, cst.BaseSuite):
            yield child
    for handler in getattr(statement, "handlers", ()):
        yield handler.body
    for case in getattr(statement, "cases", ()):
        yield case.body


def _is_trial_pruned_raise(small: cst.BaseSmallStatement, imports: ImportTable) -> bool:
    if not isinstance(small, cst.Raise) or small.exc is None:
        return False
    exception = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
    return is_trial_pruned(exception, imports)


def is_trial_pruned(expression: cst.BaseExpression, imports: ImportTable) -> bool:
    """Whether an expression names Optuna's `TrialPruned`."""
    name = dotted_name(expression)
    if name is None:
        return False
    resolved = imports.resolve(name)
    if resolved is not None:
        return resolved == TRIAL_PRUNED
    # A name that no import explains (a star import, a re-export) still means the exception
    # when it is spelled that way.
    return name.split(".")[-1] == "TrialPruned"


# --- Turning nodes into facts ----------------------------------------------------------------


class _FactBuilder:
    def __init__(
        self,
        module: cst.Module,
        text: str,
        imports: ImportTable,
        gatherer: _Gatherer,
        module_imports: ImportTable,
    ) -> None:
        self.module = module
        self.text = text
        self.imports = imports
        self.module_imports = module_imports
        self.gatherer = gatherer
        self.lines = LineIndex(text)
        self.offsets: dict[int, NodeOffsets] = {}

    def build(self) -> FileFacts:
        analyses = [_FunctionAnalysis(record, self) for record in self.gatherer.functions]
        wanted = self._wanted_nodes(analyses)
        self.offsets = node_offsets(self.module, wanted)

        studies = [self._study(raw) for raw in self.gatherer.studies]
        study_index = {id(raw.call): index for index, raw in enumerate(self.gatherer.studies)}
        return FileFacts(
            imports=tuple(self.module_imports.items()),
            names=self._module_names(),
            functions=tuple(analysis.facts() for analysis in analyses),
            studies=tuple(studies),
            optimize_calls=tuple(
                self._optimize(raw, study_index) for raw in self.gatherer.optimize_calls
            ),
            module_bindings=tuple(sorted(self.gatherer.module_bindings)),
        )

    def _wanted_nodes(self, analyses: list[_FunctionAnalysis]) -> list[cst.CSTNode]:
        wanted: list[cst.CSTNode] = list(self.module.body[-1:])
        wanted.extend(self._last_import_statement())
        for analysis in analyses:
            wanted.extend(analysis.wanted_nodes())
        for raw in self.gatherer.studies:
            wanted.append(raw.call)
        for raw in self.gatherer.optimize_calls:
            wanted.append(raw.call)
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
        offsets = self.offsets[id(node)]
        return Span(
            offsets.start,
            offsets.end,
            Location(*self.lines.location(offsets.start)),
            Location(*self.lines.location(offsets.end)),
        )

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

    def _study(self, raw: _RawStudy) -> StudyFacts:
        scope = raw.scope.qualname if raw.scope else MODULE_SCOPE
        pruner_expression = _argument(raw.call, 2, "pruner")
        pruner = self._pruner_ref(pruner_expression, raw.scope, depth=0)
        return StudyFacts(
            scope=scope,
            binding=raw.binding,
            factory=raw.factory,
            pruner=pruner,
            direction_count=_direction_count(raw.call),
            span=self.span(raw.call),
        )

    def _pruner_ref(
        self, expression: cst.BaseExpression | None, scope: _FunctionRecord | None, depth: int
    ) -> PrunerRef:
        if expression is None or (isinstance(expression, cst.Name) and expression.value == "None"):
            return PrunerRef("absent")
        if depth > 8:
            return PrunerRef("unknown")
        if isinstance(expression, cst.Call):
            qualified = self.imports.resolve_expression(expression.func) or ""
            module, _, class_name = qualified.rpartition(".")
            if module != "optuna.pruners" or class_name not in OPTUNA_PRUNERS:
                return PrunerRef("unknown")
            wrapped = None
            if class_name == "PatientPruner":
                inner = _argument(expression, 0, "wrapped_pruner")
                wrapped = self._pruner_ref(inner, scope, depth + 1)
            return PrunerRef("class", class_name=class_name, wrapped=wrapped)
        if isinstance(expression, cst.Name):
            return self._pruner_variable(expression.value, scope, depth)
        return PrunerRef("unknown")

    def _pruner_variable(self, name: str, scope: _FunctionRecord | None, depth: int) -> PrunerRef:
        """What a pruner variable holds: the same pruner at every assignment, or unknown."""
        while True:
            if scope is not None and name in scope.parameter_names:
                return PrunerRef("unknown")
            scope_name = scope.qualname if scope else MODULE_SCOPE
            values = self.gatherer.assignments.get(scope_name, {}).get(name)
            if values:
                break
            if scope is None:
                return PrunerRef("unknown")
            scope = scope.parent
        if any(value is None for value in values):
            return PrunerRef("unknown")
        refs = {self._pruner_ref(value, scope, depth + 1) for value in values}
        return refs.pop() if len(refs) == 1 else PrunerRef("unknown")

    def _optimize(self, raw: _RawOptimize, study_index: dict[int, int]) -> OptimizeCall:
        objective = raw.objective
        if objective.kind == "lambda":
            lambda_node = _argument(raw.call, 0, "func")
            record = next(r for r in self.gatherer.functions if r.node is lambda_node)
            objective = ObjectiveRef("lambda", record.qualname)
        return OptimizeCall(
            scope=raw.scope.qualname if raw.scope else MODULE_SCOPE,
            class_name=raw.class_name,
            study_variable=raw.study_variable if raw.study_call is None else None,
            study_index=study_index.get(id(raw.study_call)) if raw.study_call else None,
            objective=objective,
            span=self.span(raw.call),
        )


def _direction_count(call: cst.Call) -> int | None:
    directions = _argument(call, 99, "directions")
    if directions is None:
        return 1
    if isinstance(directions, (cst.List, cst.Tuple)) and not any(
        isinstance(element, cst.StarredElement) for element in directions.elements
    ):
        return len(directions.elements)
    return None


# --- Whole-function analyses -----------------------------------------------------------------


class _FunctionAnalysis:
    """Facts about one function that need more than one node at a time."""

    def __init__(self, record: _FunctionRecord, builder: _FactBuilder) -> None:
        self.record = record
        self.builder = builder
        self.placements = builder.gatherer.placements
        self.imports = builder.imports
        self.checks = [
            (receiver, node, self._raise_point(node)) for receiver, node in record.checks
        ]
        self.attr_candidates = list(self._attr_candidates())
        self.report_plan = self._report_plan()

    # Prune checks

    def _raise_point(self, check: cst.If) -> cst.If | None:
        """The statement where a pruned trial raises: the check itself, or a later flag test."""
        if _raises_trial_pruned(check.body, self.imports):
            return check
        flags = set(_flags_set_true(check.body))
        for flag, flag_test in self.record.flag_raises:
            if flag in flags and self._is_after(check, flag_test):
                return flag_test
        return None

    # Statement order

    def _path(self, statement: cst.CSTNode) -> list[_Placement]:
        path = []
        node = statement
        while node is not self.record.node:
            placement = self.placements.get(id(node))
            if placement is None:
                return []
            path.append(placement)
            node = placement.parent
        path.reverse()
        return path

    def _is_after(self, first: cst.CSTNode, second: cst.CSTNode) -> bool:
        """Whether `second` runs after `first` has run, in the same pass through the function.

        Later statements of the same block run after earlier ones; a loop's or a `try`'s
        `else` block runs after its body. Different branches of an `if`, and a handler after
        its `try` body, do not.
        """
        first_path, second_path = self._path(first), self._path(second)
        if not first_path or not second_path:
            return False
        for a, b in zip(first_path, second_path, strict=False):
            if a.parent is not b.parent:
                return False
            if a.role != b.role:
                return (a.role, b.role) in (
                    ("body", "orelse"),
                    ("body", "else"),
                ) and not isinstance(a.parent, cst.If)
            if a.index != b.index:
                return a.index < b.index
        return False

    def _in_finally(self, statement: cst.CSTNode) -> bool:
        return any(placement.role == "finally" for placement in self._path(statement))

    # set_user_attr after a check

    def _attr_candidates(self) -> Iterator[tuple[str, cst.Call, cst.CSTNode, cst.If, str, bool]]:
        for receiver, method, call, statement in self.record.trial_calls:
            if method != "set_user_attr" or statement is None or self._in_finally(statement):
                continue
            checks = [
                (check, point)
                for check_receiver, check, point in self.checks
                if check_receiver == receiver
                and point is not None
                and self._is_after(point, statement)
            ]
            if not checks:
                continue
            # The nearest check before the call decides: the one a pruned trial raises at last.
            check, point = checks[-1]
            stale = self._stale_name(call, point)
            if stale is None:
                continue
            movable = point is check and self._same_block(check, statement)
            yield receiver, call, statement, check, stale, movable

    def _stale_name(self, call: cst.Call, point: cst.CSTNode) -> str | None:
        """A name the call reads whose value was computed before the check, if the call only
        stores such values; None when it stores something computed after the check."""
        reader = _NameReader()
        for arg in call.args:
            arg.value.visit(reader)
        if reader.computes or not reader.names:
            return None
        bound_after = {
            name
            for name, statement in self.record.bindings
            if name in reader.names and self._is_after(point, statement)
        }
        if bound_after:
            return None
        return reader.names[0]

    def _same_block(self, check: cst.If, statement: cst.CSTNode) -> bool:
        check_place = self.placements.get(id(check))
        call_place = self.placements.get(id(statement))
        return (
            check_place is not None
            and call_place is not None
            and check_place.parent is call_place.parent
            and check_place.role == call_place.role
            and isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
        )

    def _insertion_statement(self, check: cst.If) -> cst.CSTNode:
        """The check, or the `report` statement directly before it."""
        placement = self.placements[id(check)]
        if placement.index == 0:
            return check
        block = _block(_sub_block(placement.parent, placement.role))
        previous = block[placement.index - 1]
        if (
            isinstance(previous, cst.SimpleStatementLine)
            and len(previous.body) == 1
            and isinstance(previous.body[0], cst.Expr)
            and isinstance(previous.body[0].value, cst.Call)
            and isinstance(previous.body[0].value.func, cst.Attribute)
            and previous.body[0].value.func.attr.value == "report"
        ):
            return previous
        return check

    # Where a report could go

    def _report_plan(self) -> tuple[cst.For, cst.BaseExpression, str, cst.CSTNode] | None:
        record = self.record
        if isinstance(record.node, cst.Lambda) or not record.returns:
            return None
        returned = {
            r.value.value if isinstance(r.value, cst.Name) else None for r in record.returns
        }
        if len(returned) != 1 or None in returned:
            return None
        (value_name,) = returned

        for loop in reversed(record.outer_for_loops):
            step = _loop_index(loop)
            value = _last_binding_on_every_path(_block(loop.body), value_name)
            if step is not None and value is not None and _block(loop.body):
                return loop, value, step, _block(loop.body)[-1]
        return None

    # Output

    def wanted_nodes(self) -> Iterator[cst.CSTNode]:
        record = self.record
        yield record.node
        for _, _, call, _ in record.trial_calls:
            yield call
        for _, _, _, _, call in record.handoffs:
            yield call
        yield from record.escapes.values()
        for _, check, _ in self.checks:
            yield check
        for _, call, statement, check, _, movable in self.attr_candidates:
            yield call
            if movable:
                yield statement
                yield self._insertion_statement(check)
        if self.report_plan is not None:
            loop, _, _, last_statement = self.report_plan
            yield last_statement
            yield _block(loop.body)[0]

    def facts(self) -> FunctionFacts:
        record, builder = self.record, self.builder
        return FunctionFacts(
            qualname=record.qualname,
            name=record.name,
            class_name=record.class_name,
            parent=record.parent.qualname if record.parent else None,
            parameters=tuple(record.parameters),
            span=builder.span(record.node),
            is_lambda=isinstance(record.node, cst.Lambda),
            trial_calls=tuple(
                TrialCall(receiver, method, builder.span(call))
                for receiver, method, call, _ in record.trial_calls
            ),
            handoffs=tuple(
                TrialHandoff(variable, callee, position, keyword, builder.span(call))
                for variable, callee, position, keyword, call in record.handoffs
            ),
            escapes=tuple(
                TrialEscape(variable, builder.span(node))
                for variable, node in record.escapes.items()
            ),
            checks=tuple(
                PruneCheck(receiver, builder.span(check), point is not None)
                for receiver, check, point in self.checks
            ),
            attrs_after_checks=tuple(
                AttrAfterCheck(
                    receiver=receiver,
                    key=_literal_key(call),
                    span=builder.span(call),
                    check_row=builder.span(check).start.row,
                    stale_name=stale,
                    move=self._move(statement, check) if movable else None,
                )
                for receiver, call, statement, check, stale, movable in self.attr_candidates
            ),
            report_insertion=self._report_insertion(),
        )

    def _move(self, statement: cst.CSTNode, check: cst.If) -> MoveBeforeCheck:
        text = self.builder.text
        offsets = self.builder.offsets
        moved = offsets[id(statement)]
        target = offsets[id(self._insertion_statement(check))]
        statement_text = _without_leading_blank_lines(text[moved.outer_start : moved.outer_end])
        if not statement_text.endswith(("\n", "\r")):
            statement_text += self.builder.module.default_newline
        return MoveBeforeCheck(
            remove_start=moved.outer_start,
            remove_end=moved.outer_end,
            insert_at=_skip_blank_lines(text, target.outer_start),
            statement_text=statement_text,
        )

    def _report_insertion(self) -> ReportInsertion | None:
        if self.report_plan is None:
            return None
        loop, value, step, last_statement = self.report_plan
        value_name = self.record.returns[0].value.value
        text = self.builder.text
        offsets = self.builder.offsets
        first = offsets[id(_block(loop.body)[0])]
        line_start = self.builder.lines.line_start(self.builder.lines.location(first.start)[0])
        indent = text[line_start : first.start]
        insert_at = offsets[id(last_statement)].outer_end
        return ReportInsertion(
            insert_at=insert_at,
            indent=indent,
            value=value_name,
            value_is_tensor=_is_tensor(value, self.imports, self.record),
            step=step,
            newline=self.builder.module.default_newline,
            lead=""
            if text[:insert_at].endswith(("\n", "\r"))
            else self.builder.module.default_newline,
        )


def _literal_key(call: cst.Call) -> str | None:
    """The attribute name of `set_user_attr("name", ...)` when it is a plain string."""
    if call.args and isinstance(call.args[0].value, cst.SimpleString):
        return call.args[0].value.value
    return None


def _sub_block(parent: cst.CSTNode, role: str) -> cst.CSTNode:
    if role == "body":
        return parent.body
    if role == "orelse":
        return parent.orelse if isinstance(parent.orelse, cst.If) else parent.orelse.body
    if role == "else":
        return parent.orelse.body
    if role == "finally":
        return parent.finalbody.body
    if role.startswith("handler"):
        return parent.handlers[int(role[len("handler") :])].body
    return parent.cases[int(role[len("case") :])].body


def _flags_set_true(suite: cst.CSTNode) -> Iterator[str]:
    statements = suite.body if isinstance(suite, cst.SimpleStatementSuite) else _block(suite)
    for statement in statements:
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else (statement,)
        for small in smalls:
            if (
                isinstance(small, cst.Assign)
                and isinstance(small.value, cst.Name)
                and small.value.value == "True"
            ):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        yield target.target.value


def _loop_index(loop: cst.For) -> str | None:
    if isinstance(loop.target, cst.Name):
        return loop.target.value
    if (
        isinstance(loop.target, cst.Tuple)
        and loop.target.elements
        and isinstance(loop.target.elements[0].value, cst.Name)
        and isinstance(loop.iter, cst.Call)
        and isinstance(loop.iter.func, cst.Name)
        and loop.iter.func.value == "enumerate"
    ):
        return loop.target.elements[0].value.value
    return None


def _last_binding_on_every_path(
    statements: Sequence[cst.BaseStatement], name: str
) -> cst.BaseExpression | None:
    """The value last assigned to `name` by statements that run on every path through a block
    (directly, or inside `with`); a binding by unpacking or `+=` counts, its value being the
    name itself."""
    found: cst.BaseExpression | None = None
    for statement in statements:
        if isinstance(statement, cst.With):
            inner = _last_binding_on_every_path(_block(statement.body), name)
            found = inner or found
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name) and target.target.value == name:
                        found = small.value
                    elif name in set(_target_names(target.target)):
                        found = cst.Name(name)
            elif not isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                continue
            elif isinstance(small.target, cst.Name) and small.target.value == name:
                if isinstance(small, cst.AugAssign):
                    found = cst.Name(name)
                elif small.value is not None:
                    found = small.value
    return found


def _is_tensor(value: cst.BaseExpression, imports: ImportTable, record: _FunctionRecord) -> bool:
    """Whether a value is evidently a torch tensor: a `torch.*` call or a tensor method on one,
    without `.item()`, `.tolist()` or `float(...)`."""
    if not isinstance(value, cst.Call):
        return False
    func = value.func
    qualified = imports.resolve_expression(func)
    if qualified is not None:
        return qualified.startswith("torch.")
    if isinstance(func, cst.Attribute):
        if func.attr.value in _TENSOR_TO_PYTHON:
            return False
        return _is_tensor(func.value, imports, record)
    return False


def _without_leading_blank_lines(text: str) -> str:
    lines = text.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "".join(lines)


def _skip_blank_lines(text: str, offset: int) -> int:
    """The start of the first line at or after `offset` that is not blank."""
    while True:
        end = offset
        while end < len(text) and text[end] not in "\r\n":
            end += 1
        if text[offset:end].strip() or end >= len(text):
            return offset
        if text.startswith("\r\n", end):
            end += 1
        offset = end + 1


class _NameReader(cst.CSTVisitor):
    """The names an expression reads, and whether it computes anything beyond conversions."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.computes = False

    def visit_Name(self, node: cst.Name) -> None:
        if node.value not in _LITERAL_NAMES and node.value not in self.names:
            self.names.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Name) and func.value in _CONVERSIONS:
            for arg in node.args:
                arg.value.visit(self)
            return False
        if isinstance(func, cst.Attribute) and func.attr.value in _CONVERSION_METHODS:
            func.value.visit(self)
            return False
        self.computes = True
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.computes = True
        return False
