"""NAS-Bench-Graph's space: the canonical form agrees with the package's own hash on every raw
architecture, and the neighbourhood is a symmetric variable-degree graph whose rows are exactly the
one-change moves the package's hash sees."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from nascompanion.spaces import graph_nas as g

INSTALL = "nas-bench-graph is not installed; install it with: .venv/bin/pip install nas-bench-graph==1.4.0 --no-deps"


def package_architecture():
    """The package's ``architecture`` module; its absence fails the test with the command that installs it."""
    try:
        from nas_bench_graph import architecture
    except ImportError:
        pytest.fail(INSTALL, pytrace=False)
    return architecture


@functools.lru_cache(maxsize=None)
def package_keys(space: str, every_pattern: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(links, ops, the package's valid_hash)`` of every raw architecture of a space."""
    arch = package_architecture()
    links, ops = g.raw_architectures(space, g.all_links() if every_pattern else g.LINK_PATTERNS)
    names = np.array(g.OPERATIONS)[ops].tolist()
    keys = np.array([arch.Arch(lk, op).valid_hash() for lk, op in zip(links.tolist(), names)])
    return links, ops, keys


@pytest.mark.parametrize("space", g.SPACES)
def test_canonical_keys_agree_with_the_package_on_every_raw_architecture(space):
    links, ops, expected = package_keys(space, every_pattern=False)
    assert len(links) == 9 * len(g.operation_indices(space)) ** 4
    np.testing.assert_array_equal(g.canonical_keys(links, ops), expected)


def test_canonical_keys_agree_with_the_package_on_all_24_input_patterns():
    links, ops, expected = package_keys("full", every_pattern=True)
    assert len(links) == 24 * 9**4
    np.testing.assert_array_equal(g.canonical_keys(links, ops), expected)


@pytest.mark.parametrize(("space", "count"), [("full", 26206), ("proteins", 2021)])
def test_space_holds_one_node_per_distinct_package_key_without_all_skip(space, count):
    _, ops, keys = package_keys(space, every_pattern=False)
    expected = np.unique(keys[~(ops == g.SKIP).all(axis=1)])
    space_ = g.graph_nas_space(space)
    assert space_.size == count
    np.testing.assert_array_equal(space_.keys, expected)
    assert g.ALL_SKIP_KEY not in set(space_.keys.tolist())


@pytest.mark.parametrize("space", g.SPACES)
def test_neighbourhood_is_symmetric_without_self_loops(space):
    s = g.graph_nas_space(space)
    rows = np.repeat(np.arange(s.size), s.degrees())
    assert not (rows == s.indices).any()
    forward = set(zip(rows.tolist(), s.indices.tolist()))
    assert forward == {(b, a) for a, b in forward}
    assert s.degrees().sum() == len(s.indices)


@pytest.mark.parametrize(("space", "low", "high"), [("full", 9, 124), ("proteins", 5, 68)])
def test_degree_varies_between_stated_bounds(space, low, high):
    degrees = g.graph_nas_space(space).degrees()
    assert (degrees.min(), degrees.max()) == (low, high)
    assert len(np.unique(degrees)) > 10


@pytest.mark.parametrize("space", g.SPACES)
def test_neighbour_rows_match_one_change_moves_under_the_package_hash(space):
    arch = package_architecture()
    links, ops, keys = package_keys("full", every_pattern=True)
    allowed = set(g.operation_indices(space).tolist())
    in_space = np.isin(ops, list(allowed)).all(axis=1) & ~(ops == g.SKIP).all(axis=1)
    s = g.graph_nas_space(space)
    for node in np.linspace(0, s.size - 1, 7).astype(int):
        key = s.keys[node]
        found = set()
        for lk, op in zip(links[in_space & (keys == key)].tolist(), ops[in_space & (keys == key)].tolist()):
            variants = [(lk, op[:i] + [o] + op[i + 1:]) for i in range(4) for o in allowed if o != op[i]]
            variants += [(lk[:i] + [src] + lk[i + 1:], op) for i in range(4) for src in range(i + 1) if src != lk[i]]
            for vl, vo in variants:
                if set(vo) != {g.SKIP}:
                    found.add(arch.Arch(vl, [g.OPERATIONS[o] for o in vo]).valid_hash())
        found.discard(int(key))
        neighbours = s.keys[s.indices[s.indptr[node]:s.indptr[node + 1]]]
        assert set(neighbours.tolist()) == found


@pytest.mark.parametrize(
    ("indptr", "indices", "message"),
    [
        ([0, 1, 1], [1], "not symmetric"),
        ([0, 1, 2], [0, 0], "self loops"),
        ([0, 2, 4], [1, 1, 0, 0], "once each"),
        ([0, 1], [0], "length 3"),
        ([0, 1, 2], [1, 2], r"\[0, 2\)"),
    ],
)
def test_malformed_neighbourhood_is_refused(indptr, indices, message):
    with pytest.raises(ValueError, match=message):
        g.check_neighbourhood(np.array(indptr), np.array(indices), 2)


def test_index_of_finds_each_key_and_refuses_one_outside_the_space():
    s = g.graph_nas_space("proteins")
    np.testing.assert_array_equal(s.index_of(s.keys[[0, 7, s.size - 1]]), [0, 7, s.size - 1])
    with pytest.raises(ValueError, match=r"keys not in the proteins space: \[10000\]"):
        s.index_of(np.array([s.keys[0], 10000]))


def test_unknown_space_and_bad_architectures_are_refused():
    with pytest.raises(ValueError, match="space must be one of full, proteins; got 'cora'"):
        g.graph_nas_space("cora")
    with pytest.raises(ValueError, match="links must have"):
        g.canonical_keys(np.array([[0, 2, 0, 0]]), np.array([[0, 0, 0, 0]]))
    with pytest.raises(ValueError, match="ops must be indices"):
        g.canonical_keys(np.array([[0, 0, 0, 0]]), np.array([[9, 0, 0, 0]]))
