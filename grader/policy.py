"""Static scan of a submission: forbidden calls and ways to hide them.

Runs in the parent on the submission's source (parsed with ``ast``, never
executed). Two kinds of finding:

* ``forbidden``: a reference to something the assignment forbids, however
  it is spelled: ``F.batch_norm``, ``from torch.nn.functional import
  batch_norm as bn; bn(...)``, ``getattr(torch.nn.functional, "batch_norm")``,
  ``torch.ops.aten.native_batch_norm``. Names are resolved to torch's
  objects and matched by identity.
* ``evasion``: a construct that would let code reach torch without the
  scan or the run-time tripwire seeing it: ``eval``/``exec``/``compile``,
  ``__import__``/``importlib``, ``getattr`` on a torch module with a
  computed name, private torch internals (``torch._C``, ``torch._refs``...),
  mode-stack or dispatcher hooks, ``sys.modules``, ``gc``, ``ctypes``,
  dunder introspection (``__dict__``, ``__subclasses__``...).

Each finding is placed in a top-level function or class (or the module's
top level); :func:`tainted` says which graded names can reach it through
the file's own call graph, so a forbidden call costs only the checks that
exercise it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from typing import Any, Iterable

FORBIDDEN = "forbidden"
EVASION = "evasion"

EVASION_BUILTINS = {
    "eval": "runs code built at run time, which the grader cannot inspect",
    "exec": "runs code built at run time, which the grader cannot inspect",
    "compile": "builds code at run time, which the grader cannot inspect",
    "__import__": "imports modules by computed name",
    "globals": "reaches objects by computed name",
    "vars": "reaches objects by computed name",
    "locals": "reaches objects by computed name",
    "breakpoint": "starts a debugger",
}
EVASION_MODULES = {
    "importlib": "imports modules by computed name",
    "ctypes": "calls into native code directly",
    "gc": "reaches arbitrary live objects",
    "builtins": "can replace Python's built-in functions",
    "marshal": "loads code objects",
    "types": "can build functions from code objects",
    "code": "runs code built at run time",
    "codeop": "compiles code at run time",
    "runpy": "runs code by computed name",
    "inspect": "reaches the grader's frames and objects",
    "pickle": "can execute code when loading",
    "dill": "can execute code when loading",
    "dlgrade_child": "reaches the grader's own harness",
    "grader": "reaches the grader's own code",
}
EVASION_ATTRS = {
    "sys.modules": "reaches any loaded module, the grader's included",
    "sys._getframe": "reaches the grader's frames",
    "sys.settrace": "hooks the interpreter",
    "sys.setprofile": "hooks the interpreter",
    "operator.attrgetter": "reaches attributes by computed name",
    "operator.methodcaller": "calls methods by computed name",
    "torch.overrides": "can switch off torch function hooks",
    "torch.library": "can register or replace operators",
    "torch.ops": "reaches ATen operators directly",
    "torch.compile": "hands the code to a compiler the grader cannot inspect",
    "torch.jit": "hands the code to a compiler the grader cannot inspect",
    "torch.fx": "rewrites code at run time",
}
DUNDERS = {
    "__dict__", "__globals__", "__builtins__", "__subclasses__", "__getattribute__", "__code__",
    "__closure__", "__import__", "__loader__", "__spec__", "__bases__", "__mro__", "__wrapped__",
    "__reduce__", "__reduce_ex__", "__torch_function__", "__torch_dispatch__", "__self__", "__func__",
}
# Frame and traceback attributes: from an exception's traceback a submission
# could walk up into the harness's frames and its variables.
FRAME_ATTRS = {"f_globals", "f_locals", "f_back", "f_builtins", "f_code", "tb_frame", "tb_next",
               "gi_frame", "cr_frame", "ag_frame"}


@dataclass(frozen=True)
class Finding:
    kind: str            # FORBIDDEN or EVASION
    name: str            # what was referenced, e.g. "torch.nn.functional.batch_norm"
    line: int
    scope: str | None    # top-level def/class holding it; None = module level
    reason: str = ""

    def message(self) -> str:
        where = f"line {self.line}" + (f" (in {self.scope})" if self.scope else " (top level)")
        if self.kind == FORBIDDEN:
            return f"{where}: uses {self.name}, which this assignment forbids"
        return (f"{where}: uses {self.name}, which dlgrade does not allow in submissions: it "
                f"{self.reason}, so forbidden calls could hide behind it")


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    graph: dict[str, frozenset[str]]   # top-level name -> top-level names it references

    def tainted(self, targets: Iterable[str]) -> list[Finding]:
        """Findings reachable from any of ``targets`` (plus module-level ones)."""
        reach: set[str] = set()
        todo = [t for t in targets]
        while todo:
            name = todo.pop()
            if name in reach:
                continue
            reach.add(name)
            todo.extend(self.graph.get(name, ()))
        return [f for f in self.findings if f.scope is None or f.scope in reach]


class Rules:
    """What one assignment forbids, resolved against the installed torch."""

    def __init__(self, functions: Iterable[str], aten: Iterable[str], prefixes: Iterable[str] = ()):
        from .child.forbidden import resolve

        self.by_id = resolve(functions)
        self.aten = re.compile("|".join(f"(?:{p})" for p in aten)) if aten else None
        self.prefixes = tuple(prefixes)

    def forbidden_name(self, dotted: str) -> str | None:
        """The forbidden name ``dotted`` refers to, if any."""
        for prefix in self.prefixes:
            if dotted == prefix or dotted.startswith(prefix + "."):
                return dotted
        if dotted.startswith("torch.ops.aten."):
            op = dotted.split(".")[3]
            if self.aten is not None and self.aten.search(op):
                return dotted
            return None
        obj = _resolve(dotted)
        if obj is not None and id(obj) in self.by_id:
            return self.by_id[id(obj)] if self.by_id[id(obj)] == dotted else f"{dotted} (= {self.by_id[id(obj)]})"
        return None


def _resolve(dotted: str) -> Any:
    parts = dotted.split(".")
    if parts[0] != "torch":
        return None
    import torch

    obj: Any = torch
    for part in parts[1:]:
        try:
            obj = getattr(obj, part)
        except Exception:  # noqa: BLE001 - torch's lazy attributes may raise anything
            return None
    return obj


def _is_main_guard(stmt: ast.stmt) -> bool:
    if not isinstance(stmt, ast.If) or not isinstance(stmt.test, ast.Compare):
        return False
    test = stmt.test
    sides = [test.left, *test.comparators]
    return (len(sides) == 2 and isinstance(test.ops[0], ast.Eq)
            and any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
            and any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides))


def scan(source: str, rules: Rules) -> ScanResult:
    """Scan ``source``; raise SyntaxError if it does not parse."""
    tree = ast.parse(source)
    visitor = _Visitor(rules)
    visitor.visit(tree)
    findings = set(visitor.findings)
    # `from torch._x import y` reports torch._x and torch._x.y: keep the longest.
    findings = {f for f in findings
                if not any(g != f and g.line == f.line and g.kind == f.kind and g.name.startswith(f.name + ".")
                           for g in findings)}
    return ScanResult(tuple(sorted(findings, key=lambda f: (f.line, f.name))),
                      {k: frozenset(v) for k, v in visitor.graph.items()})


class _Visitor(ast.NodeVisitor):
    def __init__(self, rules: Rules):
        self.rules = rules
        self.aliases: dict[str, str] = {}     # local name -> dotted module/object path
        self.star_modules: list[str] = []
        self.findings: list[Finding] = []
        self.graph: dict[str, set[str]] = {}
        self.scope: str | None = None
        self.top_names: set[str] = set()

    # -- scopes and the call graph ----------------------------------------
    def visit_Module(self, node: ast.Module) -> None:
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top_names.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                    if isinstance(target, ast.Name):
                        self.top_names.add(target.id)
            elif isinstance(stmt, ast.ImportFrom):
                self.top_names.update(a.asname or a.name for a in stmt.names if a.name != "*")
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.scope = stmt.name
                self.graph.setdefault(stmt.name, set())
                self.visit(stmt)
                self.scope = None
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and not isinstance(stmt.value, (ast.Constant,)):
                # `helper = something` at top level: references flow through the name
                self.scope = stmt.targets[0].id
                self.graph.setdefault(self.scope, set())
                self.visit(stmt.value)
                self.scope = None
                self._maybe_alias(stmt)
            elif _is_main_guard(stmt):
                continue  # `if __name__ == "__main__":` never runs under the grader
            else:
                self.visit(stmt)

    def _maybe_alias(self, stmt: ast.Assign) -> None:
        dotted = self._dotted(stmt.value)
        if dotted and isinstance(stmt.targets[0], ast.Name):
            self.aliases[stmt.targets[0].id] = dotted

    # -- imports ----------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(alias.name, node.lineno)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                self.aliases[head] = head

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:  # relative import: nothing of ours to reach
            return
        module = node.module or ""
        self._check_module(module, node.lineno)
        for alias in node.names:
            if alias.name == "*":
                self.star_modules.append(module)
                continue
            full = f"{module}.{alias.name}"
            bound = alias.asname or alias.name
            if self.scope is None:
                self._check_top_level_binding(full, bound, node.lineno)
            else:
                self._check_module(full, node.lineno)
            self.aliases[bound] = full

    def _check_top_level_binding(self, dotted: str, bound: str, line: int) -> None:
        """``from m import f as g`` at top level binds g as ``g = m.f`` does:
        a forbidden f costs the targets that reach g, not every check.
        Evasions still cost everything (they can hide anything after them)."""
        start = len(self.findings)
        self.scope = bound
        self.graph.setdefault(bound, set())
        try:
            self._check_module(dotted, line)
        finally:
            self.scope = None
        self.findings[start:] = [f if f.kind == FORBIDDEN else replace(f, scope=None) for f in self.findings[start:]]

    def _check_module(self, dotted: str, line: int) -> None:
        head = dotted.split(".")[0]
        if head in EVASION_MODULES:
            self._add(EVASION, dotted, line, EVASION_MODULES[head])
        self._check_dotted(dotted, line)

    # -- references -------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            if self.scope is not None and node.id in self.top_names and node.id != self.scope:
                self.graph[self.scope].add(node.id)
            if node.id in EVASION_BUILTINS:
                self._add(EVASION, f"{node.id}()", node.lineno, EVASION_BUILTINS[node.id])
            dotted = self.aliases.get(node.id)
            if dotted is None:
                for module in self.star_modules:
                    if _resolve(f"{module}.{node.id}") is not None:
                        dotted = f"{module}.{node.id}"
                        break
            if dotted:
                self._check_dotted(dotted, node.lineno)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in DUNDERS:
            self._add(EVASION, f".{node.attr}", node.lineno, "reaches an object's internals")
        elif node.attr in FRAME_ATTRS:
            self._add(EVASION, f".{node.attr}", node.lineno, "reaches the grader's frames and their variables")
        dotted = self._dotted(node)
        if dotted is not None:
            self._check_dotted(dotted, node.lineno)
            return  # the chain is judged as a whole; do not re-judge its prefixes
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("getattr", "setattr", "delattr", "hasattr") and node.args:
            owner = self._dotted(node.args[0])
            if owner is not None and owner.split(".")[0] in ("torch", "sys", "operator"):
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    self._check_dotted(f"{owner}.{name.value}", node.lineno)
                    if name.value in DUNDERS:
                        self._add(EVASION, f".{name.value}", node.lineno, "reaches an object's internals")
                else:
                    self._add(EVASION, f"{func.id}({owner}, <computed name>)", node.lineno,
                              "reaches attributes by computed name")
        if isinstance(func, ast.Name) and func.id in ("getattr",) and len(node.args) > 1:
            name = node.args[1]
            if isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value in DUNDERS:
                self._add(EVASION, f".{name.value}", node.lineno, "reaches an object's internals")
        self.generic_visit(node)

    def _dotted(self, node: ast.AST) -> str | None:
        """``a.b.c`` with ``a`` resolved through imports, or None."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.aliases.get(node.id)
        if base is None:
            for module in self.star_modules:
                if _resolve(f"{module}.{node.id}") is not None:
                    base = f"{module}.{node.id}"
                    break
        if base is None:
            if parts and self.scope is not None and node.id in self.top_names and node.id != self.scope:
                self.graph[self.scope].add(node.id)
            return None
        return ".".join([base, *reversed(parts)])

    def _check_dotted(self, dotted: str, line: int) -> None:
        for prefix, reason in EVASION_ATTRS.items():
            if dotted == prefix or dotted.startswith(prefix + "."):
                if prefix == "torch.ops" and self.rules.forbidden_name(dotted):
                    break  # reported as forbidden below, with the op's name
                if prefix == "torch.ops" and re.fullmatch(r"torch\.ops\.aten\.[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)?", dotted):
                    return  # a named, allowed ATen op: visible to the tripwire
                self._add(EVASION, dotted, line, reason)
                return
        parts = dotted.split(".")
        if parts[0] == "torch" and any(p.startswith("_") and not p.startswith("__") for p in parts[1:]):
            name = self.rules.forbidden_name(dotted)
            if name:
                self._add(FORBIDDEN, name, line)
            else:
                self._add(EVASION, dotted, line, "reaches private torch internals")
            return
        name = self.rules.forbidden_name(dotted)
        if name:
            self._add(FORBIDDEN, name, line)

    def _add(self, kind: str, name: str, line: int, reason: str = "") -> None:
        self.findings.append(Finding(kind, name, line, self.scope, reason))
