"""The README's table of logged actions ("Audit log (for auditors)", "What is logged")
names every action the hub appends to its audit log, and each field an append names, so
an auditor reading an entry finds it explained there; and it names no action the hub
no longer appends.

The actions are read from the sources: every call of `hub.audit_log.append` (also under
another name, as `lookup_service` imports it) in `hub/` and `zichtlijn/`, its action a
string, a constant (read from its module) or a choice of either."""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
SOURCES = ("hub", "zichtlijn")
HEADER = "| action | who | details |"
_NAME = re.compile(r"`([a-z_]+)`")
# actions made up at run time: the expression, as the code writes it, and what it makes
# (hub/alerts/service.py `_act`, called by Acknowledge, Close and Reopen); a new one must be
# added here, or the test fails
COMPUTED = {"f'alert_{action}'": {"alert_acknowledged", "alert_closed", "alert_reopened"}}


@dataclass
class Append:
    where: str
    actions: set[str]
    fields: set[str] = field(default_factory=set)


def _module(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _append_names(tree: ast.Module) -> set[str]:
    """Names `hub.audit_log.append` goes by in this module besides `audit_log.append`."""
    return {alias.asname or alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "hub.audit_log"
            for alias in node.names if alias.name == "append"}


def _is_append(call: ast.Call, aliases: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return (func.attr == "append" and isinstance(func.value, ast.Name)
                and func.value.id == "audit_log")
    return isinstance(func, ast.Name) and func.id in aliases


def _actions(expr: ast.expr, module: str, where: str) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.Name):  # a constant, as its module holds it after its imports
        value = getattr(importlib.import_module(module), expr.id)
        assert isinstance(value, str), f"{where}: {expr.id} is not a string"
        return {value}
    if isinstance(expr, ast.IfExp):
        return _actions(expr.body, module, where) | _actions(expr.orelse, module, where)
    text = ast.unparse(expr)
    assert text in COMPUTED, f"{where}: action {text} cannot be read; add it to COMPUTED"
    return COMPUTED[text]


def _keys_given(name: str, scopes: list[ast.AST]) -> set[str]:
    """The string keys a dict `name` is given in these functions: in a dict written out
    where it is assigned, or one at a time (`name["key"] = ...`). Fields a caller passes
    (`**details` of a parameter) are not seen."""
    keys: set[str] = set()
    for scope in scopes:
        for node in ast.walk(scope):
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        keys |= {k.value for d in ast.walk(node.value) if isinstance(d, ast.Dict)
                                 for k in d.keys if isinstance(k, ast.Constant)}
                    if (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                            and target.value.id == name
                            and isinstance(target.slice, ast.Constant)):
                        keys.add(target.slice.value)
    return keys


def _fields(call: ast.Call, scopes: list[ast.AST]) -> set[str]:
    named = {k.arg for k in call.keywords if k.arg}
    for k in call.keywords:
        if k.arg is None and isinstance(k.value, ast.Name):
            named |= _keys_given(k.value.id, scopes)
    return named


def appended() -> list[Append]:
    found = []
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path.name.endswith(("_pb2.py", "_pb2_grpc.py")):
                continue
            tree = ast.parse(path.read_text("utf-8"))
            parent = {child: node for node in ast.walk(tree)
                      for child in ast.iter_child_nodes(node)}
            aliases = _append_names(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _is_append(node, aliases):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    assert len(node.args) >= 4, f"{where}: no action argument"
                    scopes, up = [], parent.get(node)
                    while up is not None:  # the functions it is written in, innermost first
                        if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
                            scopes.append(up)
                        up = parent.get(up)
                    found.append(Append(where, _actions(node.args[3], _module(path), where),
                                        _fields(node, scopes)))
    return found


def readme_rows() -> dict[str, str]:
    """Each action in the first column of the README's table: the text of its rows."""
    lines = README.read_text("utf-8").splitlines()
    start = lines.index(HEADER) + 2  # past the header and its |---| line
    rows: dict[str, str] = {}
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        first, rest = line.strip("|").split("|", 1)
        for action in _NAME.findall(first):
            rows[action] = rows.get(action, "") + rest
    return rows


def test_the_scan_finds_the_appends_it_must():
    found = {action for append in appended() for action in append.actions}
    # one of each kind of action argument: a string, an imported constant, a module's
    # constant, a choice, a computed name
    assert {"upload", "certificate_revoked", "backup_made", "lookups_enabled",
            "alert_acknowledged", "lookup_refused"} <= found
    assert len(found) >= 25


def test_every_action_the_hub_appends_is_in_the_readme_table():
    rows = readme_rows()
    missing = sorted({f"{action} ({append.where})" for append in appended()
                      for action in append.actions if action not in rows})
    assert missing == []


def test_every_field_an_append_names_is_in_its_readme_row():
    rows = readme_rows()
    missing = sorted(f"{action}.{name} ({append.where})" for append in appended()
                     for action in append.actions if action in rows
                     for name in append.fields if f"`{name}`" not in rows[action])
    assert missing == []


def test_the_readme_table_names_no_action_the_hub_does_not_append():
    found = {action for append in appended() for action in append.actions}
    assert sorted(set(readme_rows()) - found) == []
