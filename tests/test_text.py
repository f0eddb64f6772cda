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
