"""Imports point down: a lower layer never imports a higher one.

The layers, lowest first: the domain; text utilities; the edges' own engines (stories, the
LLM client, sources, storage); the uses of the model, the digest composers and the chat
adapters; the services; the application container with the settings and logging; the entry
points (chat commands, the long-running service); the composition root; the command line.
A module may import its own layer and any layer below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS: list[tuple[str, ...]] = [
    ("bot.errors", "bot.domain", "bot.metrics"),
    ("bot.text",),
    ("bot.stories", "bot.llm", "bot.sources", "storage", "bot.demo_data"),
    ("bot.summarize", "bot.digest", "bot.adapters"),
    ("bot.services",),
    ("bot.app", "bot.config", "bot.logs"),
    ("bot.commands", "bot.scheduler", "bot.web"),
    ("bot.bootstrap",),
    ("bot.cli", "bot.__main__"),
]


def _layer(module: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _upward_imports() -> list[str]:
    found = []
    for path in sorted(
        [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("storage").rglob("*.py")]
    ):
        if "migrations" in path.parts:
            continue
        module = _module_of(path)
        if module in ("bot", "storage"):
            continue
        own = _layer(module)
        assert own is not None, f"{module} belongs to no layer: add it to LAYERS"
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                rank = _layer(target)
                if rank is not None and rank > own:
                    found.append(f"{module} imports {target}")
    return found


def test_no_module_imports_a_higher_layer() -> None:
    assert _upward_imports() == []


def test_the_composition_root_is_the_only_place_that_builds_the_llm_edges() -> None:
    assert not (ROOT / "bot" / "llm" / "wiring.py").exists()
