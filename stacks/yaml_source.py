"""YAML reading that refuses what PyYAML silently accepts: a key written twice in one mapping.

YAML 1.2 says mapping keys are unique, yet PyYAML keeps the last value; in a stack file that moves
a workspace to another region without a word. Both lines are named so the fix is obvious.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class DuplicateKeyError(yaml.YAMLError):
    def __init__(self, key: Any, first_line: int, second_line: int, where: str) -> None:
        self.key, self.first_line, self.second_line = key, first_line, second_line
        super().__init__(
            f"{where}line {second_line}: key {key!r} is written twice in the same block (first on line "
            f"{first_line}); YAML keeps only the last value, so remove or rename one of them"
        )


class _UniqueKeyLoader(yaml.SafeLoader):
    source = ""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<:` merges are allowed to repeat keys on purpose
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # unhashable keys are refused by the base constructor with its own message
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKeyError(key, seen[key], line, f"{self.source}: " if self.source else "")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, source: str = "") -> Any:
    """``yaml.safe_load`` that raises DuplicateKeyError (a YAMLError) on a repeated mapping key."""
    loader = _UniqueKeyLoader(text)
    loader.source = source
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml_file(path: Path) -> Any:
    return load_yaml(path.read_text(), path.name)
