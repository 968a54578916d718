"""`optuna-lint server`: a real LSP session with `python -m optuna_lint.server` over stdio.

The test speaks JSON-RPC itself (Content-Length framing), so what is checked is what an editor
receives. Every read has a deadline: a broken server fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from optuna_lint.findings import Location
from optuna_lint.server import Positions, whole_text_edit

REPOSITORY = Path(__file__).resolve().parent.parent
# Starting the server imports LibCST and pygls; a loaded machine can take seconds for that.
READ_TIMEOUT = 30.0

PRUNED_OBJECTIVE = """\
import optuna


def objective(trial):
    for epoch in range(3):
        loss = step()
        trial.report(loss, epoch)
        if trial.should_prune():
            raise optuna.TrialPruned()
        trial.set_user_attr("loss", loss)
    return 0.0


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
"""

# OPL201's safe fix moves the call before the report that precedes the prune check.
PRUNED_OBJECTIVE_FIXED = PRUNED_OBJECTIVE.replace(
    '        trial.set_user_attr("loss", loss)\n', ""
).replace(
    "        trial.report(loss, epoch)\n",
    '        trial.set_user_attr("loss", loss)\n        trial.report(loss, epoch)\n',
)

OPL201_MESSAGE = (
    '`trial.set_user_attr("loss", ...)` runs after the prune check on line 8: a pruned trial '
    "raises there and never stores `loss`"
)

NEVER_REPORTS = """\
import optuna


def objective(trial):
    for epoch in range(3):
        loss = step()
    return loss


optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)
"""


NEVER_REPORTS_FIX_TITLE = "Report `loss` at step `epoch` and prune (unsafe)"
NEVER_REPORTS_FIXED = NEVER_REPORTS.replace(
    "        loss = step()\n",
    "        loss = step()\n"
    "        trial.report(loss, epoch)\n"
    "        if trial.should_prune():\n"
    "            raise optuna.TrialPruned()\n",
)

TENSOR_REPORT = """\
import optuna
import torch.nn as nn

criterion = nn.MSELoss()


def objective(trial: optuna.Trial) -> float:
    for epoch in range(10):
        output, target = model(epoch)
        note = "é😋"; trial.report(criterion(output, target), epoch)
    return 0.0
"""


class LanguageClient:
    """The client side of one server process: requests, notifications and what comes back."""

    def __init__(self, working_directory: Path) -> None:
        environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "optuna_lint.server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=working_directory,
            env=environment,
        )
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._stderr: list[bytes] = []
        self._next_id = 0
        self.notifications: list[dict[str, Any]] = []
        threading.Thread(target=self._read_messages, daemon=True).start()
        threading.Thread(
            target=lambda: self._stderr.extend(self.process.stderr), daemon=True
        ).start()

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    def _read_messages(self) -> None:
        stdout = self.process.stdout
        while True:
            length = None
            while (line := stdout.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self._messages.put(None)  # the server closed its output
                return
            self._messages.put(json.loads(stdout.read(length)))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any] | None = None) -> Any:
        """Send a request and return its result; notifications met meanwhile are kept."""
        self._next_id += 1
        self.send({"id": self._next_id, "method": method, "params": params})
        while True:
            message = self._receive()
            if message.get("id") == self._next_id and "method" not in message:
                assert "error" not in message, message["error"]
                return message["result"]
            self.notifications.append(message)

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for `uri`."""
        while True:
            message = self._receive()
            if message.get("method") == "textDocument/publishDiagnostics":
                if message["params"]["uri"] == uri:
                    return message["params"]["diagnostics"]
            else:
                self.notifications.append(message)

    def _receive(self) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=READ_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"no message from the server in {READ_TIMEOUT} s; stderr:\n{self.stderr}")
        if message is None:
            pytest.fail(f"the server closed its output; stderr:\n{self.stderr}")
        return message

    def initialize(self, root: Path, capabilities: dict[str, Any] | None = None) -> Any:
        result = self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "capabilities": capabilities or {},
            },
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str) -> list[dict[str, Any]]:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}},
        )
        return self.diagnostics(uri)

    def change(self, uri: str, text: str, version: int) -> list[dict[str, Any]]:
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
        )
        return self.diagnostics(uri)

    def code_actions(
        self, uri: str, start: tuple[int, int], end: tuple[int, int], only: list[str] | None = None
    ) -> list[dict[str, Any]]:
        context: dict[str, Any] = {"diagnostics": []}
        if only is not None:
            context["only"] = only
        return self.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": position(*start), "end": position(*end)},
                "context": context,
            },
        )

    def close(self) -> int:
        """Shut the server down and return its exit status."""
        self.request("shutdown")
        self.notify("exit")
        try:
            return self.process.wait(timeout=READ_TIMEOUT)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


def position(line: int, character: int) -> dict[str, int]:
    return {"line": line, "character": character}


def lsp_range(start: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {"start": position(*start), "end": position(*end)}


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    """What an editor does with text edits: each range is in the original text, its columns in
    UTF-16 code units."""
    line_starts = [0] + [match.end() for match in re.finditer(r"\r\n|\r|\n", text)]

    def offset(place: dict[str, int]) -> int:
        index, units = line_starts[place["line"]], 0
        while units < place["character"]:
            units += 2 if ord(text[index]) > 0xFFFF else 1
            index += 1
        return index

    spans = [(offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits]
    # From the end backwards, so that each range still points at the original text; insertions
    # at one place keep their order.
    for start, end, new_text in reversed(sorted(spans, key=lambda span: span[0])):
        text = text[:start] + new_text + text[end:]
    return text


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    (root / "pyproject.toml").write_text('[project]\nname = "tuning"\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def client(project: Path):
    """One server for the tests that only open documents: each test opens its own."""
    client = LanguageClient(project)
    client.initialize(project)
    yield client
    client.kill()


def diagnostic(
    code: str, start: tuple[int, int], end: tuple[int, int], message: str, severity: int = 2
) -> dict[str, Any]:
    return {
        "range": lsp_range(start, end),
        "message": message,
        "severity": severity,
        "code": code,
        "source": "optuna-lint",
    }


@pytest.mark.slow
def test_a_finding_is_published_then_fixed_by_its_code_action(
    client: LanguageClient, project: Path
) -> None:
    uri = (project / "user_attr.py").as_uri()
    published = client.open(uri, PRUNED_OBJECTIVE)
    assert published == [diagnostic("OPL201", (9, 8), (9, 41), OPL201_MESSAGE)]

    actions = client.code_actions(uri, (9, 20), (9, 20), only=["quickfix"])
    assert [(a["title"], a["kind"], a["isPreferred"]) for a in actions] == [
        ("Move the call before the prune check", "quickfix", True)
    ]
    assert actions[0]["diagnostics"] == published
    fixed = apply_edits(PRUNED_OBJECTIVE, actions[0]["edit"]["changes"][uri])
    assert fixed == PRUNED_OBJECTIVE_FIXED

    assert client.change(uri, fixed, version=2) == []
    assert client.code_actions(uri, (0, 0), (13, 0)) == []

    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    client.change(uri, PRUNED_OBJECTIVE, version=3)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []  # an editor clears what a closed document showed


@pytest.mark.slow
def test_only_the_findings_in_the_requested_range_get_quick_fixes(
    client: LanguageClient, project: Path
) -> None:
    uri = (project / "elsewhere.py").as_uri()
    client.open(uri, PRUNED_OBJECTIVE)
    assert client.code_actions(uri, (0, 0), (8, 0), only=["quickfix"]) == []
    assert client.code_actions(uri, (8, 0), (9, 7), only=["quickfix"]) == []
    # A range that ends where the finding starts touches it.
    assert len(client.code_actions(uri, (8, 0), (9, 8), only=["quickfix"])) == 1


@pytest.mark.slow
def test_fix_all_applies_the_safe_fixes(client: LanguageClient, project: Path) -> None:
    uri = (project / "fix_all.py").as_uri()
    client.open(uri, PRUNED_OBJECTIVE)
    actions = client.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
    assert [(a["title"], a["kind"]) for a in actions] == [
        ("optuna-lint: fix all auto-fixable findings", "source.fixAll.optuna-lint")
    ]
    assert apply_edits(PRUNED_OBJECTIVE, actions[0]["edit"]["changes"][uri]) == (
        PRUNED_OBJECTIVE_FIXED
    )


@pytest.mark.slow
def test_an_unsafe_fix_is_offered_but_marked_and_not_preferred(
    client: LanguageClient, project: Path
) -> None:
    uri = (project / "never_reports.py").as_uri()
    assert client.open(uri, NEVER_REPORTS) == [
        diagnostic(
            "OPL101",
            (3, 0),
            (6, 15),
            "Objective `objective` never reports to its study's MedianPruner: without "
            "`trial.report(...)` and a prune check, no trial is ever pruned",
        )
    ]
    actions = client.code_actions(uri, (3, 4), (3, 4))
    assert [(a["title"], a["kind"], a["isPreferred"]) for a in actions] == [
        (NEVER_REPORTS_FIX_TITLE, "quickfix", False)
    ]
    assert apply_edits(NEVER_REPORTS, actions[0]["edit"]["changes"][uri]) == NEVER_REPORTS_FIXED
    # `source.fixAll` applies what `--fix` applies: the safe fixes only, and there are none.
    assert client.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"]) == []


@pytest.mark.slow
def test_a_text_that_does_not_parse_gives_its_syntax_error(
    client: LanguageClient, project: Path
) -> None:
    uri = (project / "broken.py").as_uri()
    assert client.open(uri, "import optuna\n\ndef objective(trial:\n    return 1\n") == [
        diagnostic("OPL001", (2, 13), (2, 13), "Cannot parse the file: '(' was never closed", 1)
    ]
    assert client.code_actions(uri, (0, 0), (3, 0)) == []


@pytest.mark.slow
def test_columns_count_utf16_code_units_after_non_ascii_text(
    client: LanguageClient, project: Path
) -> None:
    # "é" is one UTF-16 code unit, "😋" two: the call starts at character 21, code unit 22.
    text = PRUNED_OBJECTIVE.replace(
        '        trial.set_user_attr("loss", loss)\n',
        '        note = "é😋"; trial.set_user_attr("loss", loss)\n',
    )
    uri = (project / "non_ascii.py").as_uri()
    assert client.open(uri, text) == [diagnostic("OPL201", (9, 22), (9, 55), OPL201_MESSAGE)]


@pytest.mark.slow
def test_a_fix_on_a_line_with_non_ascii_text_edits_the_right_characters(
    client: LanguageClient, project: Path
) -> None:
    uri = (project / "tensor_report.py").as_uri()
    published = client.open(uri, TENSOR_REPORT)
    assert [(d["code"], d["range"]) for d in published] == [("OPL303", lsp_range((9, 22), (9, 68)))]
    actions = client.code_actions(uri, (9, 30), (9, 30))
    assert len(actions) == 2  # the quick fix, and `source.fixAll`
    for action in actions:
        assert apply_edits(TENSOR_REPORT, action["edit"]["changes"][uri]) == TENSOR_REPORT.replace(
            "trial.report(criterion(output, target), epoch)",
            "trial.report(float(criterion(output, target)), epoch)",
        )


@pytest.mark.slow
def test_a_file_is_linted_with_its_project_and_the_editor_text(
    client: LanguageClient, project: Path
) -> None:
    # The study is in another module of the project; on disk the objective is still clean.
    (project / "run_study.py").write_text(
        "import optuna\nfrom training import objective\n\n"
        "optuna.create_study(pruner=optuna.pruners.MedianPruner()).optimize(objective)\n",
        encoding="utf-8",
    )
    objective_only = PRUNED_OBJECTIVE.split("\n\n\noptuna.create_study")[0] + "\n"
    (project / "training.py").write_text(
        objective_only.replace('        trial.set_user_attr("loss", loss)\n', ""), encoding="utf-8"
    )
    uri = (project / "training.py").as_uri()
    assert client.open(uri, objective_only) == [
        diagnostic("OPL201", (9, 8), (9, 41), OPL201_MESSAGE)
    ]

    # The same text as a buffer not saved anywhere has no study, so no pruner to feed.
    assert client.open("untitled:Untitled-1", objective_only) == []
    assert client.open("untitled:Untitled-2", PRUNED_OBJECTIVE) == [
        diagnostic("OPL201", (9, 8), (9, 41), OPL201_MESSAGE)
    ]


@pytest.mark.slow
def test_the_configuration_of_the_file_applies(
    client: LanguageClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("configured")
    (root / "pyproject.toml").write_text(
        '[tool.optuna-lint]\nignore = ["OPL201"]\nextend-exclude = ["generated/"]\n',
        encoding="utf-8",
    )
    (root / "generated").mkdir()
    assert client.open((root / "tune.py").as_uri(), PRUNED_OBJECTIVE) == []
    assert client.open((root / "generated" / "tune.py").as_uri(), NEVER_REPORTS) == []

    # Saving lints again, with the configuration as it is now: broken.
    (root / "pyproject.toml").write_text('[tool.optuna-lint]\nignore = "OPL201"\n', "utf-8")
    client.notify("textDocument/didSave", {"textDocument": {"uri": (root / "tune.py").as_uri()}})
    published = client.diagnostics((root / "tune.py").as_uri())
    assert [(d["severity"], d["range"], "code" in d) for d in published] == [
        (1, lsp_range((0, 0), (0, 0)), False)
    ]
    assert published[0]["message"] == (
        f"optuna-lint cannot lint this file: {root / 'pyproject.toml'}: `ignore` must be a list "
        'of rule codes or prefixes, such as ["OPL1", "OPL201"]'
    )


@pytest.mark.slow
def test_utf8_positions_when_the_client_asks_for_them_and_a_clean_exit(project: Path) -> None:
    client = LanguageClient(project)
    try:
        result = client.initialize(project, {"general": {"positionEncodings": ["utf-8"]}})
        assert result["capabilities"]["positionEncoding"] == "utf-8"
        text = PRUNED_OBJECTIVE.replace(
            '        trial.set_user_attr("loss", loss)\n',
            '        note = "é😋"; trial.set_user_attr("loss", loss)\n',
        )
        uri = (project / "utf8.py").as_uri()
        # "é" is two bytes in UTF-8, "😋" four.
        assert [d["range"] for d in client.open(uri, text)] == [lsp_range((9, 25), (9, 58))]
        assert client.close() == 0
        assert not [n for n in client.notifications if n.get("method") == "window/showMessage"]
    finally:
        client.kill()


@pytest.mark.slow
def test_the_server_says_what_it_offers(project: Path) -> None:
    client = LanguageClient(project)
    try:
        result = client.initialize(project)
        capabilities = result["capabilities"]
        assert result["serverInfo"]["name"] == "optuna-lint"
        assert capabilities["positionEncoding"] == "utf-16"
        assert capabilities["textDocumentSync"]["change"] == 1  # the full text on each change
        assert capabilities["textDocumentSync"]["openClose"] is True
        assert capabilities["codeActionProvider"]["codeActionKinds"] == [
            "quickfix",
            "source.fixAll.optuna-lint",
        ]
        assert client.close() == 0
    finally:
        client.kill()


@pytest.mark.slow
def test_exit_without_shutdown_is_status_1(project: Path) -> None:
    client = LanguageClient(project)
    try:
        client.initialize(project)
        client.notify("exit")
        assert client.process.wait(timeout=READ_TIMEOUT) == 1
    finally:
        client.kill()


# The conversions, without a server


def line_and_character(place: Any) -> tuple[int, int]:
    return (place.line, place.character)


def test_positions_count_the_agreed_code_units_and_split_lines_as_python_does() -> None:
    text = "a = 1\r\nb = '😋é'; c\rd\n"
    c = Location(2, 11)  # the 11th character of line 2, after 10 characters
    # 😋 is 2 UTF-16 code units and 4 UTF-8 bytes; é is 1 and 2.
    assert line_and_character(Positions(text, "utf-16").at_location(c)) == (1, 11)
    assert line_and_character(Positions(text, "utf-8").at_location(c)) == (1, 14)
    assert line_and_character(Positions(text, "utf-32").at_location(c)) == (1, 10)
    positions = Positions(text)
    assert line_and_character(positions.at_location(Location(3, 1))) == (2, 0)  # after "\r"
    assert line_and_character(positions.at_offset(text.index("c"))) == (1, 11)
    assert line_and_character(positions.at_offset(len(text))) == (3, 0)


def test_positions_past_the_end_of_a_line_or_the_text_move_to_that_end() -> None:
    positions = Positions("x = (\n")
    assert line_and_character(positions.at_location(Location(1, 40))) == (0, 5)
    assert line_and_character(positions.at_location(Location(7, 3))) == (1, 0)
    assert line_and_character(positions.at_offset(99)) == (1, 0)


def test_the_fix_all_edit_replaces_only_the_lines_that_differ() -> None:
    original = "a = 1\nb = 2\nc = 3\nd = 4\n"
    fixed = "a = 1\nb = 20\nc = 30\nd = 4\n"
    edit = whole_text_edit(original, fixed, Positions(original))
    assert (edit.range.start.line, edit.range.start.character) == (1, 0)
    assert (edit.range.end.line, edit.range.end.character) == (3, 0)
    assert edit.new_text == "b = 20\nc = 30\n"
    assert apply_edits(
        original, [{"range": lsp_range((1, 0), (3, 0)), "newText": edit.new_text}]
    ) == (fixed)
