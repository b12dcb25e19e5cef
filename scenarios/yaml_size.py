"""Bounding what a YAML document expands to before anything walks it.

A YAML alias (``*name``) repeats an anchored node by reference: ten nested lists of ten aliases
each ("billion laughs") are a few hundred bytes that expand to 10¹⁰ nodes. The composed node
graph stays small, so :func:`expanded_size` counts the nodes the document *would* have once
every alias and merge key (``<<``) is expanded — in time linear in the graph, each shared node
counted once with its expanded size — and stops as soon as the count passes the budget.
"""

from __future__ import annotations

import yaml

MAX_YAML_NODES = 50_000  # a scenario file has a few dozen; generous for long change lists


class YamlSizeError(ValueError):
    """The document expands to more nodes than the budget, or refers to itself."""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def expanded_size(root: yaml.Node, *, budget: int = MAX_YAML_NODES) -> int:
    """The number of nodes ``root`` expands to (every alias counted in full).

    Raises
    ------
    YamlSizeError
        More than ``budget`` nodes, or an alias inside the node it names (a cycle).
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > budget:
                raise YamlSizeError(f"expands to more than {budget:,} values through its aliases")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise YamlSizeError("has an alias (*name) inside the value it names")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise YamlSizeError("has an alias (*name) inside the value it names")
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]
