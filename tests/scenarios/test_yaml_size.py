"""Tests for scenarios.yaml_size: a YAML document's size with every alias expanded."""

from __future__ import annotations

import pytest
import yaml

from scenarios.yaml_size import YamlSizeError, expanded_size


def laughs(levels: int, width: int = 9) -> str:
    """A "billion laughs" document: each level lists the previous one ``width`` times."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def node(text: str) -> yaml.Node:
    composed = yaml.compose(text, Loader=yaml.SafeLoader)
    assert composed is not None
    return composed


def test_a_plain_document_counts_its_nodes() -> None:
    """A mapping of two keys with a list of two: 1 + 2 keys + 1 scalar + 1 list + 2 items."""
    assert expanded_size(node("a: 1\nb: [x, y]\n")) == 7


def test_aliases_count_in_full() -> None:
    """Each use of an alias counts the whole anchored value again."""
    assert expanded_size(node("a: &a [1, 2, 3]\nb: *a\nc: *a\n")) == 1 + 3 * (1 + 4)


def test_a_billion_laughs_is_refused_without_expanding_it() -> None:
    """Nine levels of nine aliases would be 9⁹ nodes; the count stops at the budget."""
    with pytest.raises(YamlSizeError, match=r"expands to more than 50,000 values"):
        expanded_size(node(laughs(9)))


def test_merge_keys_count_as_what_they_merge() -> None:
    text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  z: 3\n"
    anchored = 1 + 4  # {x: 1, y: 2}
    use = 1 + 1 + anchored + 2  # {<<: *b, z: 3}
    assert expanded_size(node(text)) == 1 + 1 + anchored + 1 + use


def test_an_alias_inside_its_own_value_is_refused() -> None:
    with pytest.raises(YamlSizeError, match=r"alias .* inside the value it names"):
        expanded_size(node("a: &a [1, *a]\n"))


@pytest.mark.parametrize("budget", [10, 100, 1000])
def test_the_budget_is_the_limit(budget: int) -> None:
    items = ", ".join(["x"] * (budget - 1))
    assert expanded_size(node(f"[{items}]"), budget=budget) == budget
    with pytest.raises(YamlSizeError):
        expanded_size(node(f"[{items}, x]"), budget=budget)
