"""The one walk over a parsed module that notes every node the facts are built from.

The walk keeps syntax nodes, not facts: functions with their parameters, calls on variables
that may hold the trial, calls that receive such a variable, prune checks, classes, studies,
pruners, `optimize` calls, assignments, and where each statement sits in its block. `gather`
turns what it kept into plain facts once positions are known.

Within a function, the variables that may hold the trial are its parameters (and those of the
functions around it, for closures), names bound to one of them (`t = trial`,
`dist = TorchDistributedTrial(trial)`), and in methods the attributes of `self`. Which of them
really hold the trial is the project model's question; the walk only records their uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

import libcst as cst

from optuna_lint.facts import MODULE_SCOPE, CalleeRef, Parameter
from optuna_lint.imports import ImportTable, dotted_name
from optuna_lint.optuna_api import (
    METRIC_SINK_FUNCTIONS,
    OPTUNA_PRUNERS,
    PRUNERS_MODULE,
    SCALAR_METHODS,
    STUDY_FACTORIES,
    TRIAL_METHODS,
    is_distributed_trial,
    is_integration_pruning_callback,
)
from optuna_lint.syntax import (
    argument,
    block,
    is_bare_expression,
    is_trial_pruned,
    literal_bool,
    raises_trial_pruned,
    should_prune_receiver,
    target_names,
)

# Decorators that leave a function called as written.
TRANSPARENT_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod", "typing.override"}
)
_ABSTRACT = frozenset({"abstractmethod", "abc.abstractmethod"})

# Methods that read a value without changing it (conversions of tensors and arrays).
_READ_ONLY_METHODS = frozenset({"item", "tolist", "detach", "cpu", "numpy", "copy", "clone"})

# The methods a LightningModule logs metrics with.
LIGHTNING_LOG_METHODS = frozenset({"log", "log_dict"})

# Builtins that can be handed the trial without reporting through it.
INERT_BUILTINS = frozenset({"print", "repr", "str", "format", "isinstance", "id", "type", "hash"})


def top_level_imports(module: cst.Module) -> ImportTable:
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
            yield from _flatten_top_level(block(statement.body))
            if statement.orelse is not None:
                yield from _flatten_top_level(block(statement.orelse.body))
        elif isinstance(statement, cst.Try):
            yield from _flatten_top_level(block(statement.body))
            for handler in statement.handlers:
                yield from _flatten_top_level(block(handler.body))


@dataclass
class Placement:
    """Where a statement sits: in which sub-block (role) of which parent, at which index."""

    parent: cst.CSTNode
    role: str
    index: int


@dataclass
class RawTrialCall:
    receiver: str
    method: str
    call: cst.Call
    statement: cst.CSTNode | None
    loops: tuple[cst.CSTNode, ...]
    # `trial.should_prune() is True`: the comparison and its operator and literal.
    comparison: cst.Comparison | None = None
    identity: str | None = None
    # The names the tests of the `if`s around the call read (`directions` in
    # `if len(study.directions) == 1:`).
    guard_names: frozenset[str] = frozenset()
    bare: bool = False  # a statement of its own, its value thrown away
    existence_checked: bool = False  # under `hasattr(trial, "<method>")` or the like


@dataclass
class RawSinkCall:
    """A call that may log a metric: `sink` names it, `receiver` is what a method is called on
    (whether it is a TensorBoard writer is decided once every assignment is known)."""

    sink: str
    receiver: str | None
    call: cst.Call
    statement: cst.CSTNode | None


@dataclass
class RawHandoff:
    variable: str
    callee: CalleeRef
    position: int | None
    keyword: str | None
    call: cst.Call
    passed_on: bool
    binding: str | None
    loops: tuple[cst.CSTNode, ...] = ()


@dataclass
class FunctionRecord:
    node: cst.FunctionDef | cst.Lambda
    qualname: str
    name: str
    class_name: str | None
    parent: FunctionRecord | None
    parameters: list[Parameter]
    trial_calls: list[RawTrialCall] = field(default_factory=list)
    sink_calls: list[RawSinkCall] = field(default_factory=list)
    handoffs: list[RawHandoff] = field(default_factory=list)
    escapes: dict[str, cst.CSTNode] = field(default_factory=dict)
    stores: list[tuple[str, str, cst.Assign]] = field(default_factory=list)
    aliases: list[tuple[str, str]] = field(default_factory=list)
    checks: list[tuple[str, cst.If, tuple[cst.CSTNode, ...]]] = field(default_factory=list)
    flag_raises: list[tuple[str, cst.If]] = field(default_factory=list)
    tries: list[cst.Try | cst.TryStar] = field(default_factory=list)
    raises: list[tuple[cst.CSTNode | None, cst.Raise]] = field(default_factory=list)
    # (name, statement) for every binding of a plain name in this function's own body.
    bindings: list[tuple[str, cst.CSTNode]] = field(default_factory=list)
    returns: list[cst.Return] = field(default_factory=list)
    # `return TrialPruned()` / `yield TrialPruned()`: (keyword, the statement or yield, the call)
    unraised_trial_pruned: list[tuple[str, cst.CSTNode, cst.Call]] = field(default_factory=list)
    outer_for_loops: list[cst.For] = field(default_factory=list)
    loops: list[cst.CSTNode] = field(default_factory=list)  # the loops open at this point
    all_loops: list[cst.CSTNode] = field(default_factory=list)  # every loop of the function
    lambda_count: int = 0
    # Names bound here by assignment, loops, `with` and imports (not by `def` or `class`).
    variables: set[str] = field(default_factory=set)
    # Names declared `global` or `nonlocal`: binding them stores outside the function.
    outer_names: set[str] = field(default_factory=set)
    # Names the function's own code reads (not those it only binds).
    reads: set[str] = field(default_factory=set)
    attribute_names: set[str] = field(default_factory=set)
    # Names whose value a statement may change in place: the receiver of a method call
    # (`history.append(v)`) or the base of an assigned item or attribute (`metrics[k] = v`).
    mutations: list[tuple[str, cst.CSTNode | None]] = field(default_factory=list)
    imports: ImportTable | None = None  # the module's imports plus the function's own
    decorators: tuple[str, ...] = ()
    is_stub: bool = False
    # `self.log(...)`/`self.log_dict(...)` calls, and None where `self` is handed to another
    # call or `self.log` is used without being called (see `FunctionFacts.logged_names`).
    metric_logs: list[cst.Call | None] = field(default_factory=list)

    @property
    def parameter_names(self) -> set[str]:
        return {parameter.name for parameter in self.parameters}

    @property
    def defined_name(self) -> str:
        """The name the enclosing code uses the definition by: its own, or for a method its
        class's."""
        return self.class_name.rsplit(".", 1)[-1] if self.class_name else self.name

    @property
    def owner_class(self) -> str | None:
        """The class whose method this is, looking through nested functions and lambdas."""
        function: FunctionRecord | None = self
        while function is not None:
            if function.class_name is not None:
                return function.class_name
            function = function.parent
        return None


@dataclass
class ClassRecord:
    node: cst.ClassDef
    qualname: str
    bases: list[CalleeRef]


@dataclass
class RawStudy:
    call: cst.Call
    scope: FunctionRecord | None
    factory: str
    binding: str | None
    loops: tuple[cst.CSTNode, ...] = ()  # the loops open around the call, in its scope


@dataclass
class RawOptimize:
    call: cst.Call
    scope: FunctionRecord | None
    study_variable: str | None
    study_call: cst.Call | None
    objective: cst.BaseExpression | None
    # The loops and comprehensions open around the call, in its scope.
    loops: tuple[cst.CSTNode, ...] = ()


@dataclass
class RawPruner:
    call: cst.Call
    class_name: str
    scope: FunctionRecord | None
    binding: str | None


@dataclass
class RawCallbackConstruction:
    """A call of an Optuna integration pruning callback (`qualified`, canonical)."""

    call: cst.Call
    qualified: str
    scope: FunctionRecord | None


@dataclass
class RawCallbackList:
    """A call given `callbacks=[...]` (or a tuple) written out, and the name it is bound to."""

    call: cst.Call
    elements: tuple[cst.BaseExpression, ...]
    scope: FunctionRecord | None


@dataclass
class RawOptunaImport:
    module: str
    module_node: cst.CSTNode  # the module's dotted name as written
    # The statement without a trailing semicolon: its first and last nodes.
    statement: tuple[cst.CSTNode, cst.CSTNode]
    names: tuple[str, ...] | None  # None for `import optuna.x`
    bound: tuple[str, ...]  # the names the statement binds, in the order of `names`
    fallback: bool
    in_function: bool


class Traversal(cst.CSTVisitor):
    """Walks a module once, keeping the nodes the facts need."""

    def __init__(self, imports: ImportTable, metric_sinks: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.imports = imports
        self.metric_sinks = metric_sinks
        self.functions: list[FunctionRecord] = []
        self.classes: list[ClassRecord] = []
        self.studies: list[RawStudy] = []
        self.pruners: list[RawPruner] = []
        self.optimize_calls: list[RawOptimize] = []
        self.callback_constructions: list[RawCallbackConstruction] = []
        self.callback_lists: list[RawCallbackList] = []
        # Names under `optuna` as written: (qualified name before canonical forms, the node of
        # its last part, the whole reference, whether it is existence-checked).
        self.optuna_references: list[tuple[str, cst.Name, cst.CSTNode, bool]] = []
        # Imports of `optuna` and the modules under it.
        self.optuna_imports: list[RawOptunaImport] = []
        self._import_fallbacks = 0  # `except ImportError:` blocks open at this point
        # Code that only runs where a name exists or that handles its absence: the attribute
        # names of the `hasattr(x, "name")` tests around it, or None for any name (a `try`
        # with an `except ImportError/AttributeError:` handler, or such a handler).
        self._existence_checks: list[frozenset[str] | None] = []
        self.placements: dict[int, Placement] = {}
        # scope qualname -> name -> values assigned to it (None: bound some other way)
        self.assignments: dict[str, dict[str, list[cst.BaseExpression | None]]] = {}
        self.module_bindings: set[str] = set()
        self.module_reads: set[str] = set()  # names read by code outside any function
        # Names whose value other code may use in ways the linter does not follow, anywhere in
        # the module: read bare (`s = study`, `helper(study)`, `return study`), not only as the
        # receiver of an attribute, or whose `optimize` method is taken without being called
        # (`delayed(study.optimize)`, `Thread(target=study.optimize)`).
        self.handed_on: set[str] = set()
        self._attribute_receivers: set[int] = set()
        # (class, "self.<attribute>") -> values its methods assign to it
        self.attribute_values: dict[tuple[str, str], list[cst.BaseExpression]] = {}

        self._functions: list[FunctionRecord] = []
        # Loops open in module-level code, and comprehensions open anywhere: what can run a
        # study's `optimize` more than once.
        self._module_loops: list[cst.CSTNode] = []
        self._comprehensions: list[cst.CSTNode] = []
        self._classes: list[str] = []
        self._statements: list[cst.CSTNode] = []
        # Names that may hold the trial here, counted over the enclosing functions.
        self._tracked: dict[str, int] = {}
        self._tracked_by_function: dict[int, list[str]] = {}
        self._accounted: set[int] = set()  # nodes whose use is already understood
        self._bound: set[int] = set()  # Name nodes that bind or label rather than read
        self._called: set[int] = set()  # expressions that are called (`f` in `f(...)`)
        self._fallback_handlers: set[int] = set()
        self._bare: set[int] = set()  # expressions that are statements of their own
        self._binding_of_value: dict[int, str] = {}
        self._module_lambda_count = 0
        self._outer_imports: list[ImportTable] = []
        self._identity_tests: dict[int, tuple[cst.Comparison, str]] = {}
        # For each `if` open at this point, the names (and attribute names) its test reads.
        self._guards: list[frozenset[str]] = []

    # Scopes ----------------------------------------------------------------------------

    @property
    def _function(self) -> FunctionRecord | None:
        return self._functions[-1] if self._functions else None

    def scope_name(self, record: FunctionRecord | None = None) -> str:
        record = record if record is not None else self._function
        return record.qualname if record else MODULE_SCOPE

    def binding_of(self, value: cst.BaseExpression) -> str | None:
        """The name or attribute an assignment binds `value` to, when it is assigned."""
        return self._binding_of_value.get(id(value))

    def _track(self, record: FunctionRecord, name: str) -> None:
        self._tracked[name] = self._tracked.get(name, 0) + 1
        self._tracked_by_function.setdefault(id(record), []).append(name)

    def _enter_function(self, record: FunctionRecord) -> None:
        self.functions.append(record)
        self._functions.append(record)
        for name in record.parameter_names:
            self._track(record, name)
        # Imports made in a function are seen in it and in its nested functions only.
        self._outer_imports.append(self.imports)
        self.imports = self.imports.copy()

    def _leave_function(self) -> None:
        record = self._functions.pop()
        record.imports = self.imports
        self.imports = self._outer_imports.pop()
        for name in self._tracked_by_function.pop(id(record), []):
            self._tracked[name] -= 1
            if not self._tracked[name]:
                del self._tracked[name]

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._accounted.add(id(node.name))
        self._bound.add(id(node.name))
        self._note_binding(node.name.value, node, None, by_definition=True)
        qualname = node.name.value
        if self._function is not None:
            qualname = f"{self._function.qualname}.<locals>.{qualname}"
        elif self._classes:
            qualname = f"{self._classes[-1]}.{qualname}"
        bases = [self.callee(arg.value, None) for arg in node.bases if arg.keyword is None]
        self.classes.append(ClassRecord(node, qualname, bases))
        self._classes.append(qualname)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._accounted.add(id(node.name))
        self._bound.add(id(node.name))
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
        decorators = tuple(
            (
                dotted_name(decorator.decorator.func)
                if isinstance(decorator.decorator, cst.Call)
                else dotted_name(decorator.decorator)
            )
            or "?"
            for decorator in node.decorators
        )
        resolved = tuple(self.imports.resolve(name) or name for name in decorators)
        record = FunctionRecord(
            node=node,
            qualname=qualname,
            name=node.name.value,
            class_name=class_name,
            parent=self._function,
            parameters=self._parameters(node.params),
            decorators=tuple(d for d in resolved if d not in TRANSPARENT_DECORATORS),
            is_stub=_is_stub(node) or any(d in _ABSTRACT for d in resolved),
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
        record = FunctionRecord(
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
                result.append(
                    Parameter(
                        param.name.value,
                        kind,
                        self._annotation(param),
                        has_default=param.default is not None,
                    )
                )
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
        self._bound.add(id(node.name))

    # Statement structure ------------------------------------------------------------------

    def _place_block(self, parent: cst.CSTNode, role: str, suite: cst.CSTNode | None) -> None:
        for index, statement in enumerate(block(suite) if suite is not None else ()):
            self.placements[id(statement)] = Placement(parent, role, index)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._statements.append(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._statements.pop()

    def visit_If(self, node: cst.If) -> None:
        self._statements.append(node)

        self._place_block(node, "body", node.body)
        if isinstance(node.orelse, cst.If):
            self.placements[id(node.orelse)] = Placement(node, "orelse", 0)
        elif node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)
        self._note_prune_check(node)

    # The test of an `if` guards its branches, not itself.
    def visit_If_body(self, node: cst.If) -> None:
        self._guards.append(_names_in(node.test))
        self._existence_checks.append(_hasattr_names(node.test))

    def leave_If_body(self, node: cst.If) -> None:
        self._guards.pop()
        self._existence_checks.pop()

    def visit_If_orelse(self, node: cst.If) -> None:
        self._guards.append(_names_in(node.test))
        self._existence_checks.append(_hasattr_names(node.test))

    def leave_If_orelse(self, node: cst.If) -> None:
        self._guards.pop()
        self._existence_checks.pop()

    # `x.name() if hasattr(x, "name") else ...` and `hasattr(x, "name") and x.name()`.
    def visit_IfExp_body(self, node: cst.IfExp) -> None:
        self._existence_checks.append(_hasattr_names(node.test))

    def leave_IfExp_body(self, node: cst.IfExp) -> None:
        self._existence_checks.pop()

    def visit_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._existence_checks.append(_hasattr_names(node.test))

    def leave_IfExp_orelse(self, node: cst.IfExp) -> None:
        self._existence_checks.pop()

    def visit_BooleanOperation_right(self, node: cst.BooleanOperation) -> None:
        self._existence_checks.append(_hasattr_names(node.left))

    def leave_BooleanOperation_right(self, node: cst.BooleanOperation) -> None:
        self._existence_checks.pop()

    def _existence_checked(self, name: str) -> bool:
        """Whether the code here only runs where `name` exists, or handles its absence."""
        return any(names is None or name in names for names in self._existence_checks)

    def leave_If(self, original_node: cst.If) -> None:
        self._statements.pop()

    def visit_For(self, node: cst.For) -> None:
        self._statements.append(node)
        self._place_block(node, "body", node.body)
        if node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)
        self._mark_bound(node.target)
        for name in target_names(node.target):
            self._note_binding(name, node, None)
        function = self._function
        if function is not None and not any(isinstance(loop, cst.For) for loop in function.loops):
            function.outer_for_loops.append(node)

    def visit_For_body(self, node: cst.For) -> None:
        if self._function is not None:
            self._function.loops.append(node)
            self._function.all_loops.append(node)
        else:
            self._module_loops.append(node)

    def leave_For_body(self, node: cst.For) -> None:
        if self._function is not None:
            self._function.loops.pop()
        else:
            self._module_loops.pop()

    def leave_For(self, original_node: cst.For) -> None:
        self._statements.pop()

    def visit_While(self, node: cst.While) -> None:
        self._statements.append(node)
        self._place_block(node, "body", node.body)
        if node.orelse is not None:
            self._place_block(node, "orelse", node.orelse.body)

    def visit_While_body(self, node: cst.While) -> None:
        if self._function is not None:
            self._function.loops.append(node)
            self._function.all_loops.append(node)
        else:
            self._module_loops.append(node)

    def leave_While_body(self, node: cst.While) -> None:
        if self._function is not None:
            self._function.loops.pop()
        else:
            self._module_loops.pop()

    # The element of a comprehension comes before its `for` in the tree, so the whole
    # comprehension counts as the loop.
    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._comprehensions.append(node)

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._comprehensions.pop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._comprehensions.append(node)

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._comprehensions.pop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._comprehensions.append(node)

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._comprehensions.pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._comprehensions.append(node)

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._comprehensions.pop()

    def _open_loops(self) -> tuple[cst.CSTNode, ...]:
        """The loops around the current node in its own scope, and the comprehensions."""
        loops = self._function.loops if self._function is not None else self._module_loops
        return (*loops, *self._comprehensions)

    def leave_While(self, original_node: cst.While) -> None:
        self._statements.pop()

    def visit_With(self, node: cst.With) -> None:
        self._statements.append(node)
        self._place_block(node, "body", node.body)
        for item in node.items:
            if item.asname is not None:
                self._mark_bound(item.asname.name)
                for name in target_names(item.asname.name):
                    self._note_binding(name, node, None)

    def leave_With(self, original_node: cst.With) -> None:
        self._statements.pop()

    def visit_Try(self, node: cst.Try) -> None:
        self._visit_try(node)

    def leave_Try(self, original_node: cst.Try) -> None:
        self._statements.pop()

    def visit_TryStar(self, node: cst.TryStar) -> None:
        self._visit_try(node)

    def leave_TryStar(self, original_node: cst.TryStar) -> None:
        self._statements.pop()

    def _visit_try(self, node: cst.Try | cst.TryStar) -> None:
        self._statements.append(node)
        if self._function is not None:
            self._function.tries.append(node)
        self._place_block(node, "body", node.body)
        for index, handler in enumerate(node.handlers):
            self._place_block(node, f"handler{index}", handler.body)
            if handler.name is not None:
                self._mark_bound(handler.name.name)
                for name in target_names(handler.name.name):
                    self._note_binding(name, node, None)
        if node.orelse is not None:
            self._place_block(node, "else", node.orelse.body)
        if node.finalbody is not None:
            self._place_block(node, "finally", node.finalbody.body)

    def visit_Try_body(self, node: cst.Try) -> None:
        self._existence_checks.append(None if _handles_absence(node) else frozenset())

    def leave_Try_body(self, node: cst.Try) -> None:
        self._existence_checks.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        caught = _caught_names(node)
        if caught & {"ImportError", "ModuleNotFoundError"}:
            self._import_fallbacks += 1
            self._fallback_handlers.add(id(node))
        self._existence_checks.append(None if caught & ABSENCE_ERRORS else frozenset())

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        if id(original_node) in self._fallback_handlers:
            self._import_fallbacks -= 1
        self._existence_checks.pop()

    def visit_Match(self, node: cst.Match) -> None:
        self._statements.append(node)
        for index, case in enumerate(node.cases):
            self._place_block(node, f"case{index}", case.body)

    def leave_Match(self, original_node: cst.Match) -> None:
        self._statements.pop()

    # Bindings -----------------------------------------------------------------------------

    def _note_binding(
        self,
        name: str,
        statement: cst.CSTNode | None,
        value: cst.BaseExpression | None,
        by_definition: bool = False,
    ) -> None:
        self.assignments.setdefault(self.scope_name(), {}).setdefault(name, []).append(value)
        if self._function is None:
            if not by_definition:
                self.module_bindings.add(name)
            return
        if not by_definition:
            self._function.variables.add(name)
        if statement is not None:
            self._function.bindings.append((name, statement))

    def _current_statement(self) -> cst.CSTNode | None:
        return self._statements[-1] if self._statements else None

    def _note_mutation(self, expression: cst.BaseExpression) -> None:
        while isinstance(expression, (cst.Attribute, cst.Subscript)):
            expression = expression.value
        if isinstance(expression, cst.Name) and self._function is not None:
            self._function.mutations.append((expression.value, self._current_statement()))

    def visit_Assign(self, node: cst.Assign) -> None:
        function = self._function
        for target in node.targets:
            attribute = self._self_attribute(target.target)
            if attribute is not None and function is not None and function.owner_class:
                key = (function.owner_class, attribute)
                self.attribute_values.setdefault(key, []).append(node.value)
            if isinstance(target.target, (cst.Attribute, cst.Subscript)):
                self._note_mutation(target.target)
            self._accounted.add(id(target.target))
            self._mark_bound(target.target)
            name = dotted_name(target.target)
            if name is not None:
                self._binding_of_value[id(node.value)] = name
            plain = isinstance(target.target, cst.Name)
            for bound in target_names(target.target):
                self._note_binding(bound, self._current_statement(), node.value if plain else None)
        if len(node.targets) == 1:
            self._note_trial_binding(node, node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._accounted.add(id(node.target))
        self._mark_bound(node.target)
        if node.value is None:
            return
        name = dotted_name(node.target)
        if name is not None:
            self._binding_of_value[id(node.value)] = name
        for bound in target_names(node.target):
            self._note_binding(bound, self._current_statement(), node.value)

    def _note_trial_binding(
        self, node: cst.Assign, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        """`self.trial = trial` (a store) and `t = trial` (an alias), when the value is a
        variable that may hold the trial."""
        function = self._function
        if function is None:
            return
        variable = self._trial_variable(value)
        if isinstance(value, cst.Call) and variable is None:
            qualified = self.imports.resolve_expression(value.func)
            if qualified is not None and is_distributed_trial(qualified) and value.args:
                variable = self._trial_variable(value.args[0].value)
                if variable is not None:
                    self._accounted.add(id(value.args[0].value))
        elif variable is not None:
            self._accounted.add(id(value))
        if variable is None:
            return
        if isinstance(target, cst.Name) and target.value not in function.outer_names:
            self._accounted.add(id(target))
            if target.value != variable:
                function.aliases.append((variable, target.value))
                if target.value not in self._tracked:
                    self._track(function, target.value)
        elif self._self_attribute(target) is not None and function.owner_class is not None:
            function.stores.append((variable, dotted_name(target), node))
        else:
            # Stored somewhere the analysis does not follow.
            function.escapes.setdefault(variable, value)

    def _trial_variable(self, expression: cst.BaseExpression) -> str | None:
        """The name of a variable that may hold the trial, when `expression` is one."""
        if isinstance(expression, cst.Name) and expression.value in self._tracked:
            return expression.value
        attribute = self._self_attribute(expression)
        if attribute is not None and self._function is not None:
            return attribute
        return None

    def _self_attribute(self, expression: cst.BaseExpression) -> str | None:
        """`self.trial` for the expression `self.trial` inside a method."""
        if (
            isinstance(expression, cst.Attribute)
            and isinstance(expression.value, cst.Name)
            and expression.value.value == "self"
            and self._function is not None
            and self._function.owner_class is not None
        ):
            return f"self.{expression.attr.value}"
        return None

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._accounted.add(id(node.target))
        if isinstance(node.target, (cst.Attribute, cst.Subscript)):
            self._note_mutation(node.target)
        for bound in target_names(node.target):
            self._note_binding(bound, self._current_statement(), None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._mark_bound(node.target)
        for bound in target_names(node.target):
            self._note_binding(bound, self._current_statement(), node.value)

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            module = dotted_name(alias.name)
            if module is not None and (module == "optuna" or module.startswith("optuna.")):
                if isinstance(alias.name, cst.Attribute):
                    self.optuna_references.append(
                        (
                            module,
                            alias.name.attr,
                            alias.name,
                            self._existence_checked(alias.name.attr.value),
                        )
                    )
                self.optuna_imports.append(
                    RawOptunaImport(
                        module,
                        alias.name,
                        (node, node.names[-1]),
                        None,
                        (alias.evaluated_alias or "optuna",),
                        self._import_fallbacks > 0,
                        self._function is not None,
                    )
                )
        if self._function is not None:
            self.imports.add_statement(node)
        for alias in node.names:
            bound = alias.evaluated_alias or (dotted_name(alias.name) or "").split(".")[0]
            if bound:
                self._note_binding(bound, self._current_statement(), None)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = dotted_name(node.module) if node.module is not None else None
        if (
            module is not None
            and not node.relative
            and module.split(".")[0] == "optuna"
            and not isinstance(node.names, cst.ImportStar)
        ):
            names, aliases = [], []
            for alias in node.names:
                if isinstance(alias.name, cst.Name):
                    qualified = f"{module}.{alias.name.value}"
                    self.optuna_references.append(
                        (
                            qualified,
                            alias.name,
                            alias.name,
                            self._existence_checked(alias.name.value),
                        )
                    )
                    names.append(alias.name.value)
                    aliases.append(alias.evaluated_alias or alias.name.value)
            self.optuna_imports.append(
                RawOptunaImport(
                    module,
                    node.module,
                    (node, node.rpar or node.names[-1]),
                    tuple(names),
                    tuple(aliases),
                    self._import_fallbacks > 0,
                    self._function is not None,
                )
            )
        if self._function is not None:
            self.imports.add_statement(node)
        if not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                self._note_binding(bound, self._current_statement(), None)
        return False

    def visit_Global(self, node: cst.Global) -> bool:
        if self._function is not None:
            self._function.outer_names.update(item.name.value for item in node.names)
        return False

    def visit_Nonlocal(self, node: cst.Nonlocal) -> bool:
        if self._function is not None:
            self._function.outer_names.update(item.name.value for item in node.names)
        return False

    def visit_Raise(self, node: cst.Raise) -> None:
        if self._function is not None:
            self._function.raises.append((self._current_statement(), node))

    def visit_Expr(self, node: cst.Expr) -> None:
        self._bare.add(id(node.value))

    def visit_Return(self, node: cst.Return) -> None:
        if self._function is not None:
            self._function.returns.append(node)
            self._note_unraised(node, "return", node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if self._function is not None and not isinstance(node.value, cst.From):
            self._note_unraised(node, "yield", node.value)

    def _note_unraised(
        self, node: cst.CSTNode, keyword: str, value: cst.BaseExpression | None
    ) -> None:
        if isinstance(value, cst.Call) and is_trial_pruned(value.func, self.imports):
            self._function.unraised_trial_pruned.append((keyword, node, value))

    def visit_Comparison(self, node: cst.Comparison) -> None:
        """Notes `<trial>.should_prune() is True` (or `is not False`...)."""
        left = node.left
        if (
            len(node.comparisons) == 1
            and isinstance(left, cst.Call)
            and isinstance(left.func, cst.Attribute)
            and left.func.attr.value == "should_prune"
        ):
            target = node.comparisons[0]
            operator = {cst.Is: "is", cst.IsNot: "is not"}.get(type(target.operator))
            literal = literal_bool(target.comparator)
            if operator is not None and literal is not None:
                self._identity_tests[id(left)] = (node, f"{operator} {literal}")

    # Uses of variables that may hold the trial ----------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name):
            self._attribute_receivers.add(id(node.value))
            if node.attr.value == "optimize" and id(node) not in self._called:
                self.handed_on.add(node.value.value)
        if self._function is not None:
            self._function.attribute_names.add(node.attr.value)
            if (
                node.attr.value in LIGHTNING_LOG_METHODS
                and isinstance(node.value, cst.Name)
                and node.value.value == "self"
                and id(node) not in self._called
            ):
                self._function.metric_logs.append(None)  # `log = self.log`: not followed
        if (
            isinstance(node.value, cst.Name)
            and node.value.value in self._tracked
            and node.attr.value in ("report", "should_prune")
            and id(node) not in self._called
            and self._function is not None
        ):
            # `check = trial.should_prune` calls it under another name: not followed.
            self._function.escapes.setdefault(node.value.value, node)
        name = dotted_name(node)
        if name is not None:
            qualified = self.imports.resolve(name, canonical=False)
            if qualified is not None and qualified.split(".")[0] == "optuna":
                self.optuna_references.append(
                    (qualified, node.attr, node, self._existence_checked(node.attr.value))
                )
        self._accounted.add(id(node.attr))
        self._bound.add(id(node.attr))
        if isinstance(node.value, cst.Name):
            self._accounted.add(id(node.value))
        elif self._self_attribute(node.value) is not None:
            # `self.trial.number`: an attribute of what `self.trial` holds.
            self._accounted.add(id(node.value))
        if (
            self._self_attribute(node) is not None
            and id(node) not in self._accounted
            and self._function is not None
        ):
            self._function.escapes.setdefault(f"self.{node.attr.value}", node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._accounted.add(id(node.keyword))
            self._bound.add(id(node.keyword))

    def _mark_bound(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            self._bound.add(id(target))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._mark_bound(element.value)
        elif isinstance(target, cst.StarredElement):
            self._mark_bound(target.value)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._bound and id(node) not in self._attribute_receivers:
            self.handed_on.add(node.value)
        if id(node) not in self._bound:
            if self._function is not None:
                self._function.reads.add(node.value)
            else:
                self.module_reads.add(node.value)
        if node.value in self._tracked and id(node) not in self._accounted:
            function = self._function
            if function is not None and node.value not in function.escapes:
                function.escapes[node.value] = node

    def visit_Call(self, node: cst.Call) -> None:
        function = self._function
        self._called.add(id(node.func))
        qualified = self.imports.resolve_expression(node.func)
        if (
            function is not None
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value not in _READ_ONLY_METHODS
        ):
            self._note_mutation(node.func.value)
        if function is not None:
            self._note_trial_call(function, node)
            self._note_handoffs(function, node)
            self._note_sink_call(function, node, qualified)
            self._note_metric_log(function, node)
        self._note_callbacks(node, qualified, function)

        binding = self._binding_of_value.get(id(node))
        if qualified in STUDY_FACTORIES:
            self.studies.append(
                RawStudy(node, function, STUDY_FACTORIES[qualified], binding, self._open_loops())
            )
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "optimize":
            self._note_optimize(node)
        if qualified is not None:
            module, _, class_name = qualified.rpartition(".")
            if module == PRUNERS_MODULE and class_name in OPTUNA_PRUNERS:
                self.pruners.append(RawPruner(node, class_name, function, binding))

    def _note_callbacks(
        self, node: cst.Call, qualified: str | None, function: FunctionRecord | None
    ) -> None:
        """A pruning callback's construction, and a call handed a list of callbacks."""
        if qualified is not None and is_integration_pruning_callback(qualified):
            self.callback_constructions.append(RawCallbackConstruction(node, qualified, function))
        for arg in node.args:
            if (
                arg.keyword is not None
                and arg.keyword.value == "callbacks"
                and isinstance(arg.value, (cst.List, cst.Tuple))
            ):
                elements = tuple(element.value for element in arg.value.elements)
                self.callback_lists.append(RawCallbackList(node, elements, function))

    def _note_metric_log(self, function: FunctionRecord, node: cst.Call) -> None:
        """`self.log(...)` or `self.log_dict(...)`, or `self` handed to a call that may log."""
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and func.attr.value in LIGHTNING_LOG_METHODS
        ):
            function.metric_logs.append(node)
        elif any(
            isinstance(arg.value, cst.Name) and arg.value.value == "self" for arg in node.args
        ):
            function.metric_logs.append(None)

    def _note_trial_call(self, function: FunctionRecord, node: cst.Call) -> None:
        """Calls of the trial's own methods on any receiver, and of any method on a variable
        that may hold the trial (for checks of the method's name)."""
        if not isinstance(node.func, cst.Attribute):
            return
        if (
            node.func.attr.value not in TRIAL_METHODS
            and self._trial_variable(node.func.value) is None
        ):
            return
        receiver = dotted_name(node.func.value)
        if receiver is not None:
            self._accounted.add(id(node.func.value))
            comparison, identity = self._identity_tests.get(id(node), (None, None))
            function.trial_calls.append(
                RawTrialCall(
                    receiver,
                    node.func.attr.value,
                    node,
                    self._current_statement(),
                    tuple(function.loops),
                    comparison,
                    identity,
                    frozenset().union(*self._guards),
                    id(node) in self._bare,
                    self._existence_checked(node.func.attr.value),
                )
            )

    def _note_sink_call(
        self, function: FunctionRecord, node: cst.Call, qualified: str | None
    ) -> None:
        sink = receiver = None
        if qualified in METRIC_SINK_FUNCTIONS:
            sink = qualified
        elif (user_sink := self._user_sink(node, qualified)) is not None:
            sink = user_sink
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in SCALAR_METHODS:
            sink, receiver = node.func.attr.value, dotted_name(node.func.value)
        if sink is not None:
            function.sink_calls.append(RawSinkCall(sink, receiver, node, self._current_statement()))

    def _user_sink(self, node: cst.Call, qualified: str | None) -> str | None:
        """The call as a pattern of the user's `metric-sinks` matches it: the qualified name
        when an import resolves it, else the dotted name as written."""
        if not self.metric_sinks:
            return None
        for name in (qualified, dotted_name(node.func)):
            if name is not None and any(fnmatchcase(name, p) for p in self.metric_sinks):
                return name
        return None

    def _note_handoffs(self, function: FunctionRecord, node: cst.Call) -> None:
        position = 0
        for arg in node.args:
            if arg.star:
                # `f(*args)` hands over an unknown mix of values; the variable is left
                # unaccounted and becomes an escape when it may hold the trial.
                continue
            variable = self._trial_variable(arg.value)
            if variable is not None and id(arg.value) not in self._accounted:
                self._accounted.add(id(arg.value))
                binding = self._binding_of_value.get(id(node))
                if binding is not None and "." not in binding and binding not in self._tracked:
                    # What the call returns may keep the trial (`holder = Holder(trial)`):
                    # its uses are recorded like the trial's.
                    self._track(function, binding)
                function.handoffs.append(
                    RawHandoff(
                        variable=variable,
                        callee=self.callee(node.func, function),
                        position=None if arg.keyword else position,
                        keyword=arg.keyword.value if arg.keyword else None,
                        call=node,
                        passed_on=not is_bare_expression(self._current_statement(), node),
                        binding=self._binding_of_value.get(id(node)),
                        loops=tuple(function.loops),
                    )
                )
            if arg.keyword is None:
                position += 1

    def callee(
        self,
        func: cst.BaseExpression,
        function: FunctionRecord | None,
        imports: ImportTable | None = None,
    ) -> CalleeRef:
        """How a called (or derived-from) expression is written, for the linking step;
        `imports` is the table in force there (by default, the one of the walk's position)."""
        imports = imports or self.imports
        if isinstance(func, cst.Name):
            if func.value in INERT_BUILTINS:
                return CalleeRef("builtin", func.value)
            if imports.is_bound(func.value):
                return CalleeRef("qualified", imports.resolve(func.value) or "")
            if _is_variable(func.value, function):
                # A parameter or a variable: whatever it holds at run time is called.
                return CalleeRef("unknown", func.value)
            return CalleeRef("local", func.value)
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "self"
            and function is not None
            and function.owner_class is not None
        ):
            return CalleeRef("self", func.attr.value)
        qualified = imports.resolve_expression(func)
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
        self.optimize_calls.append(
            RawOptimize(
                call=node,
                scope=self._function,
                study_variable=study_variable,
                study_call=study_call,
                objective=argument(node, 0, "func"),
                loops=self._open_loops(),
            )
        )

    def _note_prune_check(self, node: cst.If) -> None:
        function = self._function
        if function is None:
            return
        receiver = should_prune_receiver(node.test)
        if receiver is not None:
            function.checks.append((receiver, node, tuple(function.loops)))
            return
        flag = dotted_name(node.test)
        if flag is not None and raises_trial_pruned(node.body, self.imports):
            function.flag_raises.append((flag, node))


def _is_variable(name: str, function: FunctionRecord | None) -> bool:
    """Whether `name` is a parameter or a variable of `function` or of a function around it."""
    while function is not None:
        if name in function.parameter_names or name in function.variables:
            return True
        function = function.parent
    return False


def _is_stub(node: cst.FunctionDef) -> bool:
    """Whether a function's body is only a docstring, `pass`, `...` or
    `raise NotImplementedError`."""
    statements = block(node.body) or ()
    smalls = []
    if isinstance(node.body, cst.SimpleStatementSuite):
        smalls = list(node.body.body)
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            return False
        smalls.extend(statement.body)
    for small in smalls:
        if isinstance(small, cst.Pass):
            continue
        if isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
        ):
            continue
        if isinstance(small, cst.Raise) and small.exc is not None:
            exception = small.exc.func if isinstance(small.exc, cst.Call) else small.exc
            if dotted_name(exception) == "NotImplementedError":
                continue
        return False
    return True


# The errors a missing module or attribute raises: code that catches them is ready for a
# name that does not exist.
ABSENCE_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})


def _caught_names(handler: cst.ExceptHandler) -> set[str]:
    caught = handler.type
    names = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    return {name for n in names if n is not None and (name := dotted_name(n)) is not None}


def _handles_absence(node: cst.Try) -> bool:
    return any(_caught_names(handler) & ABSENCE_ERRORS for handler in node.handlers)


def _hasattr_names(test: cst.BaseExpression) -> frozenset[str]:
    """The attribute names `hasattr(x, "name")` calls in a test ask about."""
    return frozenset(
        call.args[1].value.evaluated_value
        for call in _calls_in(test)
        if isinstance(call.func, cst.Name)
        and call.func.value == "hasattr"
        and len(call.args) == 2
        and isinstance(call.args[1].value, cst.SimpleString)
        and isinstance(call.args[1].value.evaluated_value, str)
    )


def _calls_in(expression: cst.BaseExpression) -> list[cst.Call]:
    found: list[cst.Call] = []

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

    expression.visit(Calls())
    return found


def _names_in(test: cst.BaseExpression) -> frozenset[str]:
    """The names and attribute names an `if` test mentions."""
    finder = _NameFinder()
    test.visit(finder)
    return frozenset(finder.names)


class _NameFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def visit_Name(self, node: cst.Name) -> bool:
        self.names.add(node.value)
        return False
