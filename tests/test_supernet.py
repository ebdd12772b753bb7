"""The one-shot supernet on the digits, its proxy-loss cache, and the measurements built on it."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from nascompanion.related import pvll, supernet_rank
from nascompanion.spaces import nb201
from nascompanion.train import supernet as sn
from nascompanion.train.digits_data import Split, load_split
from nascompanion.train.network import Network, NetworkSpec, init_params

torch.set_num_threads(1)
TINY = sn.SupernetSettings(network=NetworkSpec(width=2), split=Split(40, 20, 20), epochs=2, batch_size=20)
CELLS = np.array([0, 7, 311, 4096, 9999, 15624])


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NASCOMPANION_CACHE", str(tmp_path))
    return tmp_path


def test_supernet_restricted_to_a_cell_computes_the_standalone_network():
    spec = NetworkSpec(width=3)
    params = init_params(spec, torch.Generator().manual_seed(2))
    x = load_split(Split(40, 20, 20)).x_val
    ops = nb201.ops_matrix()[CELLS]
    together = sn.forward(params, spec, x, ops)
    for row, cell_ops in enumerate(ops):
        net = Network(tuple(int(o) for o in cell_ops), spec, params).train()   # batch statistics, as the supernet
        with torch.no_grad():
            torch.testing.assert_close(together[row], net(x), rtol=1e-4, atol=1e-5)


def test_many_cells_at_once_give_what_one_at_a_time_gives():
    net = sn.init_supernet(TINY, torch.Generator().manual_seed(0))
    data = load_split(TINY.split)
    loss, acc = sn.evaluate(net, data.x_val, data.y_val, CELLS, chunk=4)
    for i, cell in enumerate(CELLS):
        one_loss, one_acc = sn.evaluate(net, data.x_val, data.y_val, [cell], chunk=1)
        assert one_loss[0] == pytest.approx(loss[i], rel=1e-5) and one_acc[0] == acc[i]


def test_sampled_path_trains_only_its_ops():
    net = sn.init_supernet(TINY, torch.Generator().manual_seed(0))
    before = {k: v.detach().clone() for k, v in net.params.items()}
    data = load_split(TINY.split)
    ops = (3, 0, 2, 3, 0, 1)   # edge 0: 3x3 conv, edge 2: 1x1 conv, edge 3: 3x3 conv, others no weights
    sn.train_step(net, sn.make_optimizer(net), data.x_train[:20], data.y_train[:20], ops, lr=0.1)
    used = {(e, nb201.OPS[o]) for e, o in enumerate(ops)}
    for name, value in net.params.items():
        parts = name.split(".")
        changed = not torch.equal(value.detach(), before[name])
        if parts[0] == "cells":
            assert changed == ((int(parts[3]), parts[4]) in used), name
        elif name.endswith("conv.weight"):   # stem, reductions: on every path
            assert changed, name


def test_untrained_ops_stay_put_over_later_steps():
    net = sn.init_supernet(TINY, torch.Generator().manual_seed(0))
    data = load_split(TINY.split)
    opt = sn.make_optimizer(net)
    sn.train_step(net, opt, data.x_train[:20], data.y_train[:20], (3,) * 6, lr=0.1)
    after_first = net.params["cells.0.edges.0.nor_conv_3x3.conv.weight"].detach().clone()
    sn.train_step(net, opt, data.x_train[:20], data.y_train[:20], (1,) * 6, lr=0.1)   # momentum must not move it
    assert torch.equal(net.params["cells.0.edges.0.nor_conv_3x3.conv.weight"].detach(), after_first)


def test_same_seed_same_proxy_losses():
    one = sn.proxy_table(TINY, cells=CELLS, use_cache=False)
    two = sn.proxy_table(TINY, cells=CELLS, use_cache=False)
    np.testing.assert_array_equal(one.loss, two.loss)
    np.testing.assert_array_equal(one.accuracy, two.accuracy)
    other = sn.proxy_table(dataclasses.replace(TINY, seed=1), cells=CELLS, use_cache=False)
    assert not np.array_equal(one.loss, other.loss)


def test_training_draws_only_from_the_given_generators():
    data = load_split(TINY.split)
    runs = [sn.train_supernet(data, TINY, torch.Generator().manual_seed(4), np.random.default_rng(5)) for _ in range(2)]
    np.testing.assert_array_equal(runs[0].sampled, runs[1].sampled)
    assert all(torch.equal(runs[0].params[k], runs[1].params[k]) for k in runs[0].params)


def test_gumbel_sampler_follows_large_architecture_parameters():
    settings = dataclasses.replace(TINY, sampler="gumbel")
    a = torch.full((6, 5), -20.0, dtype=torch.float64)
    a[:, 2] = 20.0
    net = sn.train_supernet(load_split(TINY.split), settings, torch.Generator().manual_seed(0),
                            np.random.default_rng(0), arch_params=a)
    assert set(net.sampled.tolist()) == {nb201.ops_to_index((2,) * 6)}


def test_uniform_sampler_draws_varied_cells():
    net = sn.train_supernet(load_split(TINY.split), dataclasses.replace(TINY, epochs=5), torch.Generator().manual_seed(0),
                            np.random.default_rng(0))
    assert np.unique(net.sampled).size == net.sampled.size == 10


def test_cached_table_is_read_back_unchanged(cache):
    first = sn.proxy_table(TINY, cells=CELLS)
    second = sn.proxy_table(TINY, cells=CELLS)
    assert not first.from_cache and second.from_cache
    np.testing.assert_array_equal(first.loss, second.loss)
    assert second.train_seconds == first.train_seconds
    assert list((cache / "supernet").glob("*.npz"))


@pytest.mark.parametrize("damage", ["values", "shape", "non-finite", "garbage", "key"])
def test_damaged_cache_is_recomputed(cache, damage):
    first = sn.proxy_table(TINY, cells=CELLS)
    key = sn.cache_key(TINY, CELLS, load_split(TINY.split))
    path = sn.cache_path(key)
    with np.load(path) as z:
        stored = {k: z[k] for k in z.files}
    if damage == "garbage":
        path.write_bytes(b"not a zip file")
    else:
        if damage == "values":
            stored["loss"] = stored["loss"] + 1.0
        elif damage == "shape":
            stored["loss"] = stored["loss"][:-1]
        elif damage == "non-finite":
            stored["loss"][0] = np.nan
        else:
            stored["key"] = np.array("0" * 64)
        np.savez(path, **stored)
    with pytest.warns(UserWarning, match="recomputing"):
        again = sn.proxy_table(TINY, cells=CELLS)
    assert not again.from_cache
    np.testing.assert_array_equal(again.loss, first.loss)
    assert sn.proxy_table(TINY, cells=CELLS).from_cache   # the recomputed table was written back


def test_cache_key_changes_with_every_setting():
    data = load_split(TINY.split)
    base = sn.cache_key(TINY, CELLS, data)
    changes = dict(epochs=3, batch_size=10, lr=0.1, momentum=0.5, weight_decay=0.0, sampler="gumbel", tau=0.5, seed=3,
                   network=NetworkSpec(width=3))
    for name, value in changes.items():
        assert sn.cache_key(dataclasses.replace(TINY, **{name: value}), CELLS, data) != base, name
    assert sn.cache_key(TINY, CELLS[:-1], data) != base


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match="SupernetSettings.epochs"):
        sn.SupernetSettings(epochs=0)
    with pytest.raises(ValueError, match="batch_size"):
        sn.SupernetSettings(split=Split(40, 20, 20), batch_size=64)
    with pytest.raises(ValueError, match="SupernetSettings.lr"):
        sn.SupernetSettings(lr=-1.0)
    net = sn.init_supernet(TINY, torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="op codes"):
        sn.forward(net.params, TINY.network, torch.zeros(2, 1, 8, 8), [[5] * 6])
    with pytest.raises(ValueError, match="images must have shape"):
        sn.forward(net.params, TINY.network, torch.zeros(2, 3, 8, 8), [[1] * 6])
    with pytest.raises(ValueError, match="benchmark indices"):
        sn.evaluate(net, torch.zeros(2, 1, 8, 8), torch.zeros(2, dtype=torch.long), [15625])
    with pytest.raises(ValueError, match="arch_params"):
        sn.train_supernet(load_split(TINY.split), TINY, torch.Generator(), np.random.default_rng(0),
                          arch_params=torch.zeros(6, 5))
    with pytest.raises(ValueError, match="data was split"):
        sn.train_supernet(load_split(Split(50, 20, 20)), TINY, torch.Generator(), np.random.default_rng(0))
    with pytest.raises(ValueError, match="not all 15625"):
        sn.proxy_table(TINY, cells=CELLS, use_cache=False).full_loss()


def test_kendall_interval_brackets_its_estimate_and_sees_reversed_ranks():
    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    up = supernet_rank.kendall_interval(x, x + rng.normal(scale=0.5, size=200), np.random.default_rng(1), draws=300)
    assert up.low <= up.estimate <= up.high and up.low > 0
    down = supernet_rank.kendall_interval(x, -x, np.random.default_rng(1), draws=50)
    assert down.estimate == pytest.approx(-1.0) and down.high == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="same length"):
        supernet_rank.kendall_interval(x, x[:-1], rng)


def test_path_cells_have_a_path_and_are_distinct():
    cells = supernet_rank.path_cells(300, np.random.default_rng(0))
    assert np.unique(cells).size == 300 and nb201.has_input_output_path()[cells].all()
    with pytest.raises(ValueError, match="input-output path"):
        supernet_rank.path_cells(0, np.random.default_rng(0))


def test_normalised_losses_span_the_unit_interval():
    out = supernet_rank.normalised(np.array([3.0, 1.0, 2.0]))
    assert out.min() == 0 and out.max() == 1
    with pytest.raises(ValueError, match="all 2 losses equal"):
        supernet_rank.normalised(np.ones(2))


def test_figure_3a_returns_the_cells_it_sampled():
    loss = supernet_rank.normalised(nb201.ops_matrix().sum(axis=1).astype(float))
    fast = pvll.PVLLSettings(hidden=8, fit_steps=10, refit_steps=2)
    out = pvll.figure_3a(loss, 1, 15, np.array([5, 15]), np.random.default_rng(0), warmup=5, settings=fast)
    assert out["guided cells"].shape == out["uniform cells"].shape == (1, 15)
    assert out["guided mean loss"][0] == pytest.approx(loss[out["guided cells"][0, 5:]].mean())
    assert supernet_rank.sampled_error(loss, out["uniform cells"], 5)[0] == pytest.approx(out["uniform mean loss"][0])
