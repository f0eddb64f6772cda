"""The one text catalogue: every key in both languages, no Chinese text outside it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from planner.text import CATALOGUE, LANGS
from planner.text.catalogue import DOMAINS

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# the catalogue itself, and the synthetic demo county's place names and generator
EXEMPT = ("planner/text/", "planner/demo/")


def _code_files() -> list[Path]:
    files = [ROOT / "app.py", *sorted((ROOT / "planner").rglob("*.py"))]
    return [p for p in files if not str(p.relative_to(ROOT)).startswith(EXEMPT)]


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
        # attribute docstrings: a bare string right after an assignment
        for field in ("body", "orelse"):
            stmts = getattr(node, field, None)
            if isinstance(stmts, list):
                for a, b in zip(stmts, stmts[1:], strict=False):
                    if (isinstance(a, (ast.Assign, ast.AnnAssign)) and isinstance(b, ast.Expr)
                            and isinstance(b.value, ast.Constant)):
                        ids.add(id(b.value))
    return ids


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal with Chinese characters that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstring_nodes(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docs and CJK.search(node.value)]


def test_no_chinese_literal_outside_the_catalogue():
    found = [f"{p.relative_to(ROOT)}:{line}: {text[:40]!r}"
             for p in _code_files() for line, text in chinese_literals(p)]
    assert not found, f"{len(found)} Chinese literals outside planner/text:\n" + "\n".join(found[:60])


def test_the_finder_sees_literals_and_skips_docstrings(tmp_path):
    src = tmp_path / "m.py"
    src.write_text('"""模块说明。"""\nX = "达标"\n"""属性说明。"""\ndef f():\n    """函数说明。"""\n'
                   '    return f"{X}未达标"\n', encoding="utf-8")
    assert [line for line, _ in chinese_literals(src)] == [2, 6]


def test_every_key_has_both_languages():
    assert LANGS == ("zh", "en")
    bad = [k for k, pair in CATALOGUE.items()
           if len(pair) != 2 or not all(isinstance(s, str) and s.strip() for s in pair)]
    assert not bad, bad


def test_placeholders_agree_between_languages():
    def fields(s: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(s) if f}

    # a translation may leave a value out (the English report title names no county), but
    # it may not ask for one the other language's callers do not pass
    bad = [k for k, (zh, en) in CATALOGUE.items()
           if not (fields(en) <= fields(zh) or fields(zh) <= fields(en))]
    assert not bad, bad


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_module_has_a_text_table(domain):
    import importlib

    table = importlib.import_module(f"planner.text.{domain}").TEXT
    assert isinstance(table, dict)
    assert set(table) <= set(CATALOGUE)


ERROR_CLASSES = {"PlannerError", "InputError", "CRSError", "NetworkError", "ProfileError", "SolverError"}
WORDED_BY_CODE = {"problem": 0, "problem_of": 1}  # helper -> position of the code among its arguments


def _template_fields(key: str) -> set[str]:
    pair = CATALOGUE.get(key) or ("", "")
    return {f.split("!")[0].split(":")[0].split(".")[0].split("[")[0]
            for s in pair for _, f, _, _ in string.Formatter().parse(s) if f}


def _given_params(node: ast.Call) -> set[str] | None:
    """Names of the params a raise passes (None when they cannot be read statically)."""
    if isinstance(node.func, ast.Name) and node.func.id in WORDED_BY_CODE:
        if any(k.arg is None for k in node.keywords):  # **params: not readable here
            return None
        return {k.arg.split("@")[0] for k in node.keywords if k.arg}
    given = next((k.value for k in node.keywords if k.arg == "params"), None)
    if given is None:
        return set()
    if not isinstance(given, ast.Dict) or any(k is None or not isinstance(k, ast.Constant) for k in given.keys):
        return None
    return {str(k.value).split("@")[0] for k in given.keys}


def uncatalogued_errors(path: Path) -> list[tuple[int, str]]:
    """(line, why) of every error raised in ``path`` without catalogue words for its code and params.

    An error class called directly must pass ``code=`` (a constant with an
    ``err.<code>`` entry, or a code passed through from another error);
    ``problem``/``problem_of`` word it from the catalogue themselves.  The
    params given must fill the entry's templates, or the Chinese text would
    fall back to the English.
    """
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        name = node.func.id
        if name in WORDED_BY_CODE:
            pos = WORDED_BY_CODE[name]
            code = node.args[pos] if len(node.args) > pos else None
        elif name in ERROR_CLASSES:
            code = next((k.value for k in node.keywords if k.arg == "code"), None)
            if code is None:
                out.append((node.lineno, f"{name}(...) without code="))
                continue
        else:
            continue
        if not isinstance(code, ast.Constant):
            continue  # a code passed through (code=exc.code): worded where it was made
        if f"err.{code.value}" not in CATALOGUE:
            out.append((node.lineno, f"code {code.value!r} has no err.{code.value} entry"))
            continue
        given = _given_params(node)
        need = _template_fields(f"err.{code.value}") | _template_fields(f"fix.{code.value}")
        if given is not None and not need <= given:
            out.append((node.lineno, f"code {code.value!r}: params {sorted(need - given)} not given"))
    return out


def test_every_error_a_user_can_meet_has_catalogue_words():
    """Chinese first: an error shown in the app or on the command line is worded by the catalogue."""
    found = [f"{p.relative_to(ROOT)}:{line}: {why}" for p in _code_files() for line, why in uncatalogued_errors(p)]
    assert not found, f"{len(found)} errors without catalogue words:\n" + "\n".join(found)


def test_the_error_finder_sees_unworded_errors(tmp_path):
    from planner.text import lookup

    assert lookup("err.file_not_found") and lookup("err.missing_column")
    src = tmp_path / "m.py"
    src.write_text('def f(x):\n'
                   '    raise InputError("bad")\n'
                   '    raise InputError("bad", code="no_such_code_anywhere")\n'
                   '    raise InputError("file not found", code="file_not_found")\n'
                   '    raise NetworkError(x.message, code=x.code)\n'
                   '    raise problem("missing_column", "a.csv")\n'
                   '    raise problem("file_not_found", "a.csv")\n', encoding="utf-8")
    found = uncatalogued_errors(src)
    assert [line for line, _ in found] == [2, 3, 6], found
