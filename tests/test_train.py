"""The NB201 cell and network in torch, the batched trainer and the resumable grid (CPU, tiny)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from nascompanion.spaces import nb201
from grid_chunks import whole_grid, write_chunks
from nascompanion.train import cli, grid
from nascompanion.train.batched import (
    BatchedNetworks,
    discriminativeness,
    discriminativeness_difference_interval,
    discriminativeness_interval,
    spread,
    initial_params,
    train_batched,
    train_single,
)
from nascompanion.train.cell import Cell
from nascompanion.train.digits_data import (
    DigitsData,
    Distortion,
    Split,
    distort,
    load_digit_arrays,
    load_split,
    split_indices,
)
from nascompanion.train.network import Network, NetworkSpec, init_params
from nascompanion.train.pipelines import SETTINGS, Pipeline, get_pipeline, init_seed

SPEC = NetworkSpec(width=2)
TINY = Pipeline("tiny", epochs=2, batch_size=16, lr=0.1, weight_decay=5e-4, schedule="cosine",
                label_smoothing=0.1, shift=1, noise_std=0.1)


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data64() -> DigitsData:
    data = load_split(Split(48, 30, 30))
    cast = [t.double() if t.is_floating_point() else t for t in
            (data.x_train, data.y_train, data.x_val, data.y_val, data.x_test, data.y_test)]
    return DigitsData(data.split, *cast)


@pytest.fixture(scope="module")
def data32() -> DigitsData:
    return load_split(Split(48, 30, 30))


def test_cell_without_input_output_path_outputs_zero():
    ops = (3, 2, 1, 0, 0, 0)  # nodes 1 and 2 live, but every edge into node 3 is none
    assert not nb201.has_input_output_path(np.array(ops))[0]
    cell = Cell(ops, channels=3)
    out = cell(torch.randn(4, 3, 5, 5))
    assert torch.count_nonzero(out) == 0


def test_batched_network_without_path_has_zero_cell_output():
    ops = (3, 2, 1, 0, 0, 0)
    arch = nb201.ops_to_index(ops)
    net = BatchedNetworks([arch], SPEC, initial_params([arch], SPEC, 0))
    x = torch.randn(2, 1, SPEC.width, 8, 8)
    assert torch.count_nonzero(net._cell(x, 0)) == 0


@pytest.mark.parametrize("ops", [(1, 0, 0, 0, 1, 0), (0, 0, 0, 1, 0, 0), (0, 1, 0, 0, 0, 1)])
def test_skip_only_cell_is_the_identity(ops):
    x = torch.randn(3, 4, 6, 6)
    assert torch.equal(Cell(ops, channels=4)(x), x)


def test_all_skip_cell_sums_paths():
    x = torch.randn(2, 3, 4, 4)
    assert torch.allclose(Cell((1,) * 6, channels=3)(x), 4 * x)  # node1 = x, node2 = 2x, node3 = x + x + 2x


def test_avg_pool_does_not_count_padding():
    x = torch.ones(1, 1, 4, 4)
    assert torch.equal(Cell((0, 0, 0, 4, 0, 0), channels=1)(x), x)


def test_batched_forward_matches_each_network_alone():
    torch.manual_seed(0)
    archs = [0, 7, 4321, nb201.ops_to_index((3, 3, 3, 3, 3, 3)), nb201.ops_to_index((2, 4, 0, 1, 3, 0))]
    net = BatchedNetworks(archs, SPEC, initial_params(archs, SPEC, 5))
    x = torch.randn(6, 1, 8, 8)
    out = net(x)
    for i, arch in enumerate(archs):
        generator = torch.Generator().manual_seed(init_seed(5, arch))
        alone = Network(nb201.index_to_ops(arch), SPEC, init_params(SPEC, generator))
        assert torch.allclose(out[:, i], alone(x), atol=1e-5)


def test_einsum_convolutions_compute_the_same_as_grouped():
    torch.manual_seed(1)
    archs = [3, 77, 900, nb201.ops_to_index((3, 2, 3, 2, 3, 2))]
    params = initial_params(archs, SPEC, 0)
    x = torch.randn(5, 1, 8, 8)
    grouped = BatchedNetworks(archs, SPEC, params)(x)
    einsum = BatchedNetworks(archs, SPEC, params, conv="einsum")(x)
    assert torch.allclose(grouped, einsum, atol=1e-5)


def test_batched_training_matches_training_each_alone(data64):
    torch.set_default_dtype(torch.float64)
    try:
        archs = [0, 99, nb201.ops_to_index((3, 2, 1, 0, 0, 0)), nb201.ops_to_index((3, 3, 3, 3, 3, 3))]
        together = train_batched(archs, 1, TINY, SPEC, data64)
        for i, arch in enumerate(archs):
            alone = train_single(arch, 1, TINY, SPEC, data64)
            assert together.val_correct[i] == alone.val_correct[0]
            assert together.test_correct[i] == alone.test_correct[0]
            assert together.train_loss[i] == pytest.approx(alone.train_loss[0], rel=1e-6)
    finally:
        torch.set_default_dtype(torch.float32)


def test_a_network_result_does_not_depend_on_its_batch(data32):
    a = train_batched([5, 17, 300], 2, TINY, SPEC, data32)
    b = train_batched([300, 5], 2, TINY, SPEC, data32)
    assert a.train_loss[2] == pytest.approx(b.train_loss[0], rel=1e-5)
    assert a.train_loss[0] == pytest.approx(b.train_loss[1], rel=1e-5)


def test_seed_fixes_training_and_another_seed_changes_it(data32):
    first = train_batched([11, 12], 0, TINY, SPEC, data32)
    again = train_batched([11, 12], 0, TINY, SPEC, data32)
    other = train_batched([11, 12], 1, TINY, SPEC, data32)
    assert np.array_equal(first.train_loss, again.train_loss)
    assert not np.allclose(first.train_loss, other.train_loss)


def test_split_is_fixed_and_disjoint():
    parts = split_indices(Split(1000, 400, 397))
    assert [len(p) for p in parts] == [1000, 400, 397]
    assert len(np.unique(np.concatenate(parts))) == 1797
    assert all(np.array_equal(a, b) for a, b in zip(parts, split_indices(Split(1000, 400, 397))))


def test_unknown_pipeline_is_rejected_with_the_choices():
    with pytest.raises(ValueError, match="noisy, denoised"):
        get_pipeline("clean")


# --------------------------------------------------------------------------- discriminativeness


def test_discriminativeness_is_iqr_over_median_seed_sd():
    rng = np.random.default_rng(0)
    means = np.linspace(50, 90, 401)
    offsets = np.array([-1.0, 0.0, 1.0])  # SD 1 for every architecture
    acc = means[:, None] + offsets[None, :]
    assert discriminativeness(acc) == pytest.approx(20.0)
    noisy = means[:, None] + 10 * rng.standard_normal((401, 3))
    assert discriminativeness(noisy) < 5 < discriminativeness(acc)


def test_discriminativeness_respects_the_mask_and_missing_seeds():
    acc = np.array([[10.0, 10.0, np.nan], [50.0, 52.0, 54.0], [60.0, 62.0, 64.0], [70.0, 72.0, 74.0]])
    keep = np.array([False, True, True, True])
    assert discriminativeness(acc, keep) == pytest.approx(10.0 / 2.0)
    with pytest.raises(ValueError, match="n_seeds >= 2"):
        discriminativeness(acc[:, :1])


# --------------------------------------------------------------------------- resumable grid


def _fake_train(calls: list, fail_at: int | None = None):
    def train(chunk: grid.Chunk) -> dict[str, np.ndarray]:
        if fail_at is not None and len(calls) == fail_at:
            raise KeyboardInterrupt("killed")
        calls.append(chunk)
        archs = np.arange(chunk.start, chunk.stop)
        return {"archs": archs, "pipeline": np.array(chunk.pipeline), "seed": np.int64(chunk.seed),
                "val_correct": (archs % 7).astype(np.int16), "test_correct": (archs % 5).astype(np.int16),
                "n_val": np.int64(10), "n_test": np.int64(10), "seconds": np.float64(0.1)}
    return train


def test_killed_run_resumes_without_redoing_finished_chunks(tmp_path):
    chunks = grid.plan(["noisy", "denoised"], [0], chunk=4, start=0, stop=12)
    first: list = []
    with pytest.raises(KeyboardInterrupt):
        grid.run_grid(tmp_path, chunks, _fake_train(first, fail_at=2), log=lambda s: None)
    assert len(first) == 2
    (tmp_path / chunks[3].file_name).write_bytes(b"PK\x03\x04 truncated")  # a half-written file from elsewhere
    second: list = []
    grid.run_grid(tmp_path, chunks, _fake_train(second), log=lambda s: None)
    assert second == chunks[2:]
    arrays = grid.gather(tmp_path, seeds=[0])
    assert np.array_equal(arrays["noisy_val_correct"][:12, 0], np.arange(12) % 7)


def test_time_limit_stops_before_starting_a_chunk(tmp_path):
    chunks = grid.plan(["noisy"], [0, 1], chunk=6, start=0, stop=12)
    calls: list = []
    grid.run_grid(tmp_path, chunks, _fake_train(calls), time_limit=0.0, log=lambda s: None)
    assert calls == [] and not list(tmp_path.glob("*.npz"))


def test_results_are_written_atomically(tmp_path):
    path = tmp_path / "chunk.npz"
    grid.write_atomic(path, {"a": np.arange(3)})

    class Boom:
        def __array__(self, *args, **kwargs):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        grid.write_atomic(path, {"a": np.arange(1000), "b": Boom()})
    with np.load(path) as z:
        assert z["a"].tolist() == [0, 1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ["chunk.npz"]


def test_plan_runs_every_cell_of_a_seed_before_the_next_seed():
    chunks = grid.plan(chunk=8000)
    assert [c.seed for c in chunks] == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]
    assert chunks[1].stop == nb201.N_ARCHS


# --------------------------------------------------------------------------- distorted digits and settings


def test_identity_distortion_leaves_the_split_as_it_was():
    plain, same = load_split(Split(40, 20, 20)), load_split(Split(40, 20, 20), distortion=Distortion())
    for name in ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test"):
        assert torch.equal(getattr(plain, name), getattr(same, name))


def test_distorted_split_has_adjacent_copies_of_each_held_out_digit():
    data = load_split(Split(40, 20, 10), distortion=Distortion(rotation=20.0, shift=1.0, eval_copies=3))
    assert data.x_train.shape == (40, 1, 8, 8) and data.x_val.shape == (60, 1, 8, 8) and data.x_test.shape[0] == 30
    _, val, _ = split_indices(Split(40, 20, 10))
    images, labels = load_digit_arrays()
    assert torch.equal(data.y_val, torch.from_numpy(np.repeat(labels[val], 3)))
    copies = data.x_val.view(20, 3, 64)
    assert not torch.equal(copies[:, 0], copies[:, 1])  # each copy is distorted on its own


def test_zero_distortion_copies_each_image_exactly():
    images, _ = load_digit_arrays()
    out = distort(images[:5], 2, Distortion(eval_copies=2), stream=0)
    assert np.allclose(out, np.repeat(images[:5], 2, axis=0), atol=1e-6)


def test_distortion_is_fixed_by_its_seed_and_another_seed_changes_it():
    images, _ = load_digit_arrays()
    d = Distortion(rotation=30.0, shift=1.0, scale=0.15, noise=0.2)
    assert np.array_equal(distort(images[:8], 1, d, 1), distort(images[:8], 1, d, 1))
    assert not np.allclose(distort(images[:8], 1, d, 1), distort(images[:8], 1, replace(d, seed=1), 1))
    assert not np.allclose(distort(images[:8], 1, d, 1), distort(images[:8], 1, d, 2))  # parts draw apart


@pytest.mark.parametrize("bad, field", [({"rotation": -1.0}, "rotation"), ({"scale": 1.0}, "scale"),
                                        ({"eval_copies": 0}, "eval_copies"), ({"noise": float("nan")}, "noise")])
def test_bad_distortion_is_rejected_naming_the_field(bad, field):
    with pytest.raises(ValueError, match=f"Distortion.{field}"):
        Distortion(**bad)


def test_setting_epochs_override_both_pipelines():
    pipes = SETTINGS["distorted"].pipelines()
    assert {p.epochs for p in pipes.values()} == {SETTINGS["distorted"].epochs}
    assert SETTINGS["plain"].pipelines()["noisy"] == get_pipeline("noisy")
    with pytest.raises(ValueError, match="Setting.epochs"):
        replace(SETTINGS["plain"], epochs=0)


def test_candidate_text_becomes_a_setting_and_bad_text_says_the_format():
    setting = grid.parse_candidate("16,8,900,30,1,0.15,0.2,4")
    assert setting.network.width == 16 and setting.epochs == 8 and setting.split.n_train == 900
    assert setting.distortion == Distortion(30.0, 1.0, 0.15, 0.2, 4)
    with pytest.raises(ValueError, match="width, epochs, n_train"):
        grid.parse_candidate("16,8")
    with pytest.raises(ValueError, match="not numbers"):
        grid.parse_candidate("16,eight,900")


def test_chunks_of_another_setting_are_refused(tmp_path):
    small = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    train = grid.train_chunk_fn(small)
    chunk = grid.plan(["noisy"], [0], chunk=3, start=0, stop=3)
    grid.run_grid(tmp_path, chunk, train, log=lambda s: None)
    grid.check_settings(tmp_path, small)  # the same setting passes
    with pytest.raises(ValueError, match="noisy_s0_00000_00003.npz: trained in setting"):
        grid.check_settings(tmp_path, replace(small, epochs=2))


def test_discriminativeness_interval_brackets_the_estimate_and_repeats_with_its_seed():
    rng = np.random.default_rng(0)
    acc = rng.normal(80, 5, size=(40, 1)) + rng.normal(0, 1, size=(40, 3))
    point = discriminativeness(acc)
    low, high = discriminativeness_interval(acc, np.random.default_rng(1), draws=300)
    assert low < point < high
    assert (low, high) == discriminativeness_interval(acc, np.random.default_rng(1), draws=300)
    with pytest.raises(ValueError, match="level"):
        discriminativeness_interval(acc, np.random.default_rng(1), level=1.0)


def test_chunks_that_record_no_setting_are_refused(tmp_path):
    grid.write_atomic(tmp_path / "noisy_s0_00000_00003.npz", {
        "archs": np.arange(3), "val_correct": np.zeros(3, np.int16), "test_correct": np.zeros(3, np.int16),
        "n_val": np.int64(4), "n_test": np.int64(4), "seconds": np.float64(0.0)})
    with pytest.raises(ValueError, match="records no setting"):
        grid.check_settings(tmp_path, SETTINGS["plain"])


def test_sweep_reports_each_candidate_as_soon_as_it_is_measured():
    tiny = replace(SETTINGS["distorted"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    seen: list = []
    records = grid.sweep([tiny], n_archs=4, device="cpu", seeds=(0, 1), log=lambda s: None,
                         pipelines=("denoised",), on_record=seen.append)
    assert seen == records and len(records) == 1
    r = records[0]
    assert r["n_val"] == 16 * SETTINGS["distorted"].distortion.eval_copies and r["rotation"] > 0
    assert nb201.has_input_output_path()[r["archs"]].all()
    assert r["ratio"] == pytest.approx(discriminativeness(np.asarray(r["accuracy"])), abs=1e-3)


def test_sweep_command_with_a_malformed_candidate_exits_with_the_format(capsys):
    assert cli.main(["sweep", "--candidates", "16,8"]) == 2
    err = capsys.readouterr().err
    assert "give width, epochs, n_train" in err and err.count("\n") == 1


TINY_PLAN = grid.plan(["noisy", "denoised"], [0, 1], chunk=3, start=0, stop=3)


def _tiny_chunks(out, setting, stop=3):
    grid.run_grid(out, grid.plan(["noisy", "denoised"], [0, 1], chunk=3, start=0, stop=stop),
                  grid.train_chunk_fn(setting), log=lambda s: None)


def test_consolidate_records_the_setting_its_chunks_were_trained_in(tmp_path):
    small = replace(SETTINGS["distorted"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    write_chunks(tmp_path / "chunks", whole_grid((0, 1)), small)
    manifest = grid.consolidate(tmp_path / "chunks", tmp_path / "dest", command="test", chunks=whole_grid((0, 1)))
    assert grid.setting_from_record(manifest["setting"]) == small
    assert {p["epochs"] for p in manifest["pipelines"].values()} == {1}
    saved = np.load(tmp_path / "dest" / grid.RESULT_FILE)
    val = saved["denoised_val_correct"]  # the plan's two seeds, every cell
    assert val.shape == (nb201.N_ARCHS, 2) and (val >= 0).all() and saved["seeds"].tolist() == [0, 1]
    assert int(saved["n_val"]) == 16 * small.distortion.eval_copies
    assert manifest["checksums"][grid.RESULT_FILE] == grid.file_md5(tmp_path / "dest" / grid.RESULT_FILE)


def test_consolidate_refuses_chunks_of_two_settings_naming_both_files(tmp_path):
    small = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    _tiny_chunks(tmp_path, small)
    grid.run_grid(tmp_path, grid.plan(["noisy"], [2], chunk=3, start=0, stop=3),
                  grid.train_chunk_fn(replace(small, epochs=2)), log=lambda s: None)
    with pytest.raises(ValueError, match="noisy_s2_00000_00003.npz and .*npz were trained in different settings"):
        grid.consolidate(tmp_path, tmp_path / "dest")
    assert not (tmp_path / "dest" / grid.RESULT_FILE).exists()


def test_consolidate_refuses_an_incomplete_grid_naming_a_missing_chunk(tmp_path):
    small = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    _tiny_chunks(tmp_path, small)
    with pytest.raises(ValueError, match=r"1 chunk\(s\) of the grid have no finished file .*noisy_s0_00003_00006.npz"):
        grid.consolidate(tmp_path, tmp_path / "dest", chunks=grid.plan(["noisy"], [0], chunk=3, start=0, stop=6))
    assert not (tmp_path / "dest").exists()


def test_consolidate_refuses_a_damaged_chunk_naming_it(tmp_path):
    small = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    _tiny_chunks(tmp_path, small)
    (tmp_path / "noisy_s1_00000_00003.npz").write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="1 damaged chunk file.*noisy_s1_00000_00003.npz"):
        grid.consolidate(tmp_path, tmp_path / "dest", chunks=TINY_PLAN)


def test_consolidate_overwrites_an_existing_benchmark_only_when_told(tmp_path):
    small = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(64, 16, 16), epochs=1)
    plan = whole_grid((0, 1))
    write_chunks(tmp_path / "chunks", plan, small)
    grid.consolidate(tmp_path / "chunks", tmp_path / "dest", chunks=plan)
    before = (tmp_path / "dest" / grid.RESULT_FILE).read_bytes()
    with pytest.raises(ValueError, match="exists; write to a new --dest folder, or pass --replace"):
        grid.consolidate(tmp_path / "chunks", tmp_path / "dest", chunks=plan)
    assert (tmp_path / "dest" / grid.RESULT_FILE).read_bytes() == before
    write_chunks(tmp_path / "chunks", plan, small, seed=1)  # other counts: the replaced file differs
    grid.consolidate(tmp_path / "chunks", tmp_path / "dest", chunks=plan, overwrite=True)
    assert (tmp_path / "dest" / grid.RESULT_FILE).read_bytes() != before


def test_a_training_set_smaller_than_the_batch_is_refused_before_training(tmp_path):
    tiny = replace(SETTINGS["plain"], network=NetworkSpec(width=2), split=Split(10, 16, 16), epochs=1)
    with pytest.raises(ValueError, match="10 training images are fewer than the batch size"):
        grid.train_chunk_fn(tiny)


def test_consolidate_of_an_empty_folder_says_to_run_first(tmp_path):
    with pytest.raises(ValueError, match="no finished chunk files"):
        grid.consolidate(tmp_path, tmp_path / "dest")


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_record_round_trips_through_json(name):
    import json

    record = json.loads(json.dumps(grid.setting_record(SETTINGS[name])))
    assert record["name"] == name
    assert grid.setting_from_record(record) == SETTINGS[name]


def test_spread_is_the_ratio_parts():
    rng = np.random.default_rng(3)
    acc = rng.normal(70, 4, size=(30, 1)) + rng.normal(0, 1, size=(30, 3))
    iqr, sd = spread(acc)
    q75, q25 = np.percentile(acc.mean(1), [75, 25])
    assert iqr == pytest.approx(q75 - q25) and sd == pytest.approx(np.median(acc.std(1, ddof=1)))
    assert discriminativeness(acc) == pytest.approx(iqr / sd)


@pytest.mark.parametrize("make, message", [
    (lambda: Split(n_train=1), "Split.n_train must be an integer >= 2, got 1"),
    (lambda: NetworkSpec(width=True), "NetworkSpec.width must be an integer >= 1, got True"),
    (lambda: Distortion(eval_copies=2.0), "Distortion.eval_copies must be an integer >= 1, got 2.0"),
    (lambda: replace(SETTINGS["plain"], epochs=0), "Setting.epochs must be an integer >= 1, got 0"),
])
def test_integer_fields_are_checked_with_one_wording(make, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        make()


def test_consolidate_command_line_exits_as_a_usage_error_on_bad_chunks(tmp_path, capsys):
    assert cli.main(["consolidate", "--out", str(tmp_path), "--dest", str(tmp_path / "dest")]) == 2
    assert "no finished chunk files" in capsys.readouterr().err


def test_paired_difference_interval_holds_zero_for_one_setting_and_not_for_a_noisier_one():
    rng = np.random.default_rng(4)
    arch = rng.normal(70, 4, size=(60, 1))
    a = arch + rng.normal(0, 1, size=(60, 3))
    same = discriminativeness_difference_interval(a, a, np.random.default_rng(0), draws=200)
    assert same == (0.0, 0.0)
    noisier = arch + rng.normal(0, 3, size=(60, 3))
    low, high = discriminativeness_difference_interval(a, noisier, np.random.default_rng(0), draws=300)
    assert high < 0  # three times the seed noise: clearly less discriminative
    with pytest.raises(ValueError, match="same cells"):
        discriminativeness_difference_interval(a, a[:10], np.random.default_rng(0))
