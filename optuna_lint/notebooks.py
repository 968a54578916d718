"""Jupyter notebooks as Python modules: their code cells joined into one text to lint and fix,
and the fixed text split back into the cells of the notebook.

Each code cell becomes its lines in order, followed by a marker line naming the cell, so that
the cells can be found again after fixes inserted or removed lines. IPython syntax that Python
cannot parse (`%magic`, `!shell`, `x = !cmd`, `help?`) is replaced, line for line, by a
placeholder statement that names it, and put back when the notebook is written; a cell that
starts with a cell magic (`%%bash`) is left out as a whole. Nothing outside the changed cells'
`source` is touched: a notebook in nbformat's own layout (one-space indentation, sorted keys)
comes back byte for byte the same outside them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from optuna_lint.findings import Edit, Finding, Location, Span, TextKey
from optuna_lint.source import SourceError, SourceText

NOTEBOOK_SUFFIX = ".ipynb"
# The line that closes each code cell in the joined text.
_CELL_END = "# optuna-lint: end of cell {index}"
_CELL_END_PATTERN = re.compile(r"^# optuna-lint: end of cell (\d+)\n", re.M)
_MAGIC = re.compile(r"^(\s*)(?:[%!]|\w[\w.]*\s*=\s*[%!]|[\w.]+\?{1,2}\s*$|\?)")
_PLACEHOLDER = "{indent}pass  # optuna-lint: IPython line {number}"
_PLACEHOLDER_PATTERN = re.compile(r"^[ \t]*pass  # optuna-lint: IPython line (\d+)$")


@dataclass(frozen=True)
class CellPlace:
    """Where a code cell lies in the joined text."""

    index: int  # 1-based, among all the notebook's cells, as a notebook shows them
    first_row: int  # 1-based row of its first line in the joined text
    rows: int
    start_offset: int  # of its first character in the joined text
    ends_with_newline: bool  # the cell's own source ends with a newline


@dataclass(frozen=True)
class Notebook:
    """A notebook as read: its JSON, how it was laid out, and its code cells' places."""

    document: dict[str, Any]
    layout: dict[str, Any]  # the json.dumps arguments that give back the original text
    original: str
    places: tuple[CellPlace, ...]
    ipython_lines: tuple[str, ...]  # the lines the placeholders stand for, by number

    def cell_of_row(self, row: int) -> CellPlace | None:
        for place in self.places:
            if place.first_row <= row < place.first_row + place.rows:
                return place
        return None

    def cell_sources(self, text: str) -> dict[int, str] | None:
        """The source of each code cell in a (fixed) joined text; None when its cell markers
        are not all there, in order, once each."""
        sources: dict[int, str] = {}
        start = 0
        for match in _CELL_END_PATTERN.finditer(text):
            sources[int(match.group(1))] = text[start : match.start()]
            start = match.end()
        if list(sources) != [place.index for place in self.places] or text[start:].strip():
            return None
        return {place.index: self._restore(sources[place.index], place) for place in self.places}

    def _restore(self, source: str, place: CellPlace) -> str:
        lines = source.split("\n")
        for position, line in enumerate(lines):
            match = _PLACEHOLDER_PATTERN.match(line)
            if match is not None:
                lines[position] = self.ipython_lines[int(match.group(1))]
        restored = "\n".join(lines)
        # The joined text ends each cell's last line with a newline the cell may lack.
        if not place.ends_with_newline and restored.endswith("\n"):
            restored = restored[:-1]
        return restored

    def write(self, text: str) -> str:
        """The notebook's JSON with the code cells of `text`."""
        sources = self.cell_sources(text)
        if sources is None:
            raise SourceError("the fixed text no longer keeps the notebook's cells apart")
        document = json.loads(self.original)
        changed = False
        for index, source in sources.items():
            cell = document["cells"][index - 1]
            before = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if source == before:
                continue
            changed = True
            if isinstance(cell["source"], list):
                cell["source"] = source.splitlines(keepends=True)
            else:
                cell["source"] = source
        if not changed:
            return self.original
        return json.dumps(document, **self.layout) + ("\n" if self.original.endswith("\n") else "")


@dataclass(frozen=True)
class NotebookSource(SourceText):
    """The joined code of a notebook, written back into the notebook's JSON."""

    notebook: Notebook | None = field(default=None, compare=False)

    def encode(self, text: str) -> bytes:
        assert self.notebook is not None
        return self.notebook.write(text).encode("utf-8")


def read_notebook(data: bytes) -> NotebookSource:
    """The joined code cells of a notebook file; SourceError when it is not a notebook."""
    try:
        original = data.decode("utf-8-sig")
        document = json.loads(original)
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(f"not a notebook: {error}") from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if not isinstance(cells, list):
        raise SourceError("not a notebook: it has no list of cells")

    parts: list[str] = []
    places: list[CellPlace] = []
    ipython_lines: list[str] = []
    row, offset = 1, 0
    for position, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if source.lstrip().startswith("%%"):
            continue  # a cell magic: the cell is not Python
        lines = source.split("\n")
        for number, line in enumerate(lines):
            match = _MAGIC.match(line)
            if match is not None:
                lines[number] = _PLACEHOLDER.format(
                    indent=match.group(1), number=len(ipython_lines)
                )
                ipython_lines.append(line)
        code = "\n".join(lines)
        ends_with_newline = code.endswith("\n")
        if not ends_with_newline:
            code += "\n"
        places.append(CellPlace(position, row, code.count("\n"), offset, ends_with_newline))
        part = code + _CELL_END.format(index=position) + "\n"
        parts.append(part)
        row += part.count("\n")
        offset += len(part)
    text = "".join(parts)
    return NotebookSource(
        text=text,
        encoding="utf-8",
        has_bom=False,
        notebook=Notebook(
            document, _layout(original, document), original, tuple(places), tuple(ipython_lines)
        ),
    )


def _layout(original: str, document: dict[str, Any]) -> dict[str, Any]:
    """The `json.dumps` arguments that write the document as the original is written:
    nbformat's own (indent 1, sorted keys), else the indentation found."""
    for layout in (
        {"indent": 1, "sort_keys": True, "ensure_ascii": False},
        {"indent": 1, "ensure_ascii": False},
        {"indent": 2, "ensure_ascii": False},
        {"indent": 2, "sort_keys": True, "ensure_ascii": False},
        {"indent": 4, "ensure_ascii": False},
    ):
        if json.dumps(document, **layout) == original.rstrip("\n"):
            return layout
    return {"indent": 1, "sort_keys": True, "ensure_ascii": False}


def row_namer(display_path: str, source: SourceText | None) -> Callable[[int], str]:
    """How a message names a row of a file's text: `train.py:9`, or for a row of a notebook's
    joined text, its cell and the row within it (`tune.ipynb:cell 3:2`)."""
    notebook = source.notebook if isinstance(source, NotebookSource) else None

    def name(row: int) -> str:
        place = notebook.cell_of_row(row) if notebook is not None else None
        if place is None:
            return f"{display_path}:{row}"
        return f"{display_path}:cell {place.index}:{row - place.first_row + 1}"

    return name


def changed_cells(source: NotebookSource, before: str, after: str) -> list[tuple[int, str, str]]:
    """The code cells whose source differs between two joined texts of the notebook, as
    (cell number, source before, source after), in the notebook's order: what `--diff` shows."""
    assert source.notebook is not None
    sources_before = source.notebook.cell_sources(before) or {}
    sources_after = source.notebook.cell_sources(after) or {}
    return [
        (index, sources_before.get(index, ""), sources_after.get(index, ""))
        for index in sorted(sources_before.keys() | sources_after.keys())
        if sources_before.get(index, "") != sources_after.get(index, "")
    ]


def in_cells(finding: Finding, source: NotebookSource) -> Finding:
    """The finding as a notebook shows it: in its cell (`cell` set, the file name kept), with
    rows and offsets counted from the cell's first line. Fix edits outside that cell (an
    import added in the first cell) are left out of what is shown; `--fix` still applies
    them."""
    assert source.notebook is not None
    place = source.notebook.cell_of_row(finding.location.row)
    if place is None:
        return finding
    last_row = place.first_row + place.rows - 1

    def moved(location: Location) -> Location:
        row = min(max(location.row, place.first_row), last_row)
        return Location(row - place.first_row + 1, location.column)

    end_offset = place.start_offset + sum(
        len(line) + 1 for line in source.text.split("\n")[place.first_row - 1 : last_row]
    )
    span = Span(
        finding.span.start_offset - place.start_offset,
        min(finding.span.end_offset, end_offset) - place.start_offset,
        moved(finding.span.start),
        moved(finding.span.end),
    )
    fix = finding.fix
    if fix is not None:
        edits = tuple(
            Edit(
                edit.start_offset - place.start_offset,
                edit.end_offset - place.start_offset,
                edit.content,
            )
            for edit in fix.edits
            if place.start_offset <= edit.start_offset and edit.end_offset <= end_offset
        )
        fix = replace(fix, edits=edits)
    return replace(finding, cell=place.index, span=span, fix=fix)


def cell_texts(display_path: str, source: NotebookSource) -> dict[TextKey, str]:
    """The text of each code cell, under the key of its findings' texts
    (`Finding.text_key`)."""
    assert source.notebook is not None
    return {
        (display_path, place.index): source.text[
            place.start_offset : place.start_offset
            + sum(
                len(line) + 1
                for line in source.text.split("\n")[
                    place.first_row - 1 : place.first_row + place.rows - 1
                ]
            )
        ]
        for place in source.notebook.places
    }
