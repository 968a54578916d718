"""What a rule reports: findings, their locations, and the fixes that come with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Applicability(str, Enum):
    """How sure a fix is of the user's intent; `--fix` applies safe ones only."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based row and a 1-based column counted in characters, as editors show them."""

    row: int
    column: int


@dataclass(frozen=True, order=True)
class Span:
    """A range of the source, both as character offsets and as row/column locations."""

    start_offset: int
    end_offset: int
    start: Location
    end: Location


@dataclass(frozen=True)
class Edit:
    """Replace the characters `start_offset:end_offset` of the original text by `content`."""

    start_offset: int
    end_offset: int
    content: str

    @property
    def is_insertion(self) -> bool:
        return self.start_offset == self.end_offset


@dataclass(frozen=True)
class Fix:
    """A set of edits that together repair one finding."""

    message: str
    applicability: Applicability
    edits: tuple[Edit, ...]


# What a report looks a finding's text up by: its file's name, or for a finding in a notebook
# cell, the notebook's name and the cell's number.
TextKey = str | tuple[str, int]


@dataclass(frozen=True)
class Finding:
    """One problem in one file."""

    code: str
    name: str
    message: str
    filename: str
    span: Span
    fix: Fix | None = None
    # Findings about the file itself (it could not be read or parsed) are reported whatever
    # the selection says.
    always_reported: bool = field(default=False, compare=False)
    # The 1-based number of the notebook cell the finding is in, among all the notebook's
    # cells; its span and fix are then counted from the cell's first character.
    cell: int | None = None

    @property
    def location(self) -> Location:
        return self.span.start

    @property
    def end_location(self) -> Location:
        return self.span.end

    @property
    def shown_path(self) -> str:
        """Where people are told the finding is: the file, or the notebook cell in it
        (`tune.ipynb:cell 3`)."""
        return self.filename if self.cell is None else f"{self.filename}:cell {self.cell}"

    @property
    def text_key(self) -> TextKey:
        return self.filename if self.cell is None else (self.filename, self.cell)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.filename, self.cell or 0, self.location.row, self.location.column, self.code)


def message_with_cell(finding: Finding) -> str:
    """The message, preceded by the notebook cell it is in, for the formats whose file and row
    cannot say so (`cell 3: ...`)."""
    return finding.message if finding.cell is None else f"cell {finding.cell}: {finding.message}"


FILE_START = Span(0, 0, Location(1, 1), Location(1, 1))
