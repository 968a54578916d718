"""Find an objective's training loop and make each of its passes countable.

The loop is found the same way in the original and in the fixed text, so both variants count
the same passes: the outermost `for` loop around the first `report` or `should_prune` call of
the module (in the objective, else in any function, as when a helper trains), else the first
outermost `for` loop of the objective. A call to the probe is inserted as the first statement
of its body; the probe counts passes, and during the parameter draw stops the objective there,
before any training.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

# One expression statement, so no import has to be placed; `verify.probe` is imported by the
# worker before the objective runs.
PROBE_CALL = '__import__("optuna_lint.verify.probe").verify.probe.tick()'
PRUNING_METHODS = frozenset({"report", "should_prune"})


@dataclass(frozen=True)
class InstrumentedSource:
    text: str  # the source with the probe call inserted, or unchanged when no loop was found
    loop_row: int | None  # the 1-based row of the counted loop's `for`


def instrument(text: str, objective: str) -> InstrumentedSource:
    """Insert the probe call at the top of the training loop of `objective` (a module-level
    function name)."""
    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    finder = _LoopFinder(objective)
    wrapper.module.visit(finder)
    loop = finder.chosen()
    if loop is None or not isinstance(loop.body, cst.IndentedBlock) or not loop.body.body:
        return InstrumentedSource(text, None)
    first = loop.body.body[0]
    row = positions[first].start.line
    # The first statement's own leading comments and blank lines stay where they are.
    lines = text.splitlines(keepends=True)
    indent = lines[row - 1][: positions[first].start.column]
    newline = "\r\n" if lines[row - 1].endswith("\r\n") else "\n"
    lines.insert(row - 1, f"{indent}{PROBE_CALL}{newline}")
    return InstrumentedSource("".join(lines), positions[loop].start.line)


class _LoopFinder(cst.CSTVisitor):
    """Outermost `for` loops, by function, and which of them hold a pruning call."""

    def __init__(self, objective: str) -> None:
        super().__init__()
        self.objective = objective
        self._functions: list[str] = []
        self._loops: list[cst.For] = []  # the `for` loops open at this point, outermost first
        self.objective_loops: list[cst.For] = []
        self.pruning_loops_in_objective: list[cst.For] = []
        self.pruning_loops_elsewhere: list[cst.For] = []

    def chosen(self) -> cst.For | None:
        for candidates in (
            self.pruning_loops_in_objective,
            self.pruning_loops_elsewhere,
            self.objective_loops,
        ):
            if candidates:
                return candidates[0]
        return None

    def _in_objective(self) -> bool:
        return bool(self._functions) and self._functions[0] == self.objective

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node.name.value)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_For(self, node: cst.For) -> None:
        if not self._loops and self._in_objective():
            self.objective_loops.append(node)
        self._loops.append(node)

    def leave_For(self, original_node: cst.For) -> None:
        self._loops.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if not (
            self._loops
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in PRUNING_METHODS
        ):
            return
        outermost = self._loops[0]
        found = (
            self.pruning_loops_in_objective
            if self._in_objective()
            else self.pruning_loops_elsewhere
        )
        if outermost not in found:
            found.append(outermost)
