"""Tests of the AnalogNAS-Bench importer (:mod:`nascompanion.data.analognas`).

Two kinds. Tests on the real ``data.anb`` of the installed ``analog-nasbench`` skip,
saying why, where it is not installed. Tests of the reader's checks (crafted,
truncated or incomplete files, the op-tuple convention, the install hint) run
everywhere, on files written here in the file's own layout: the two record
classes under upstream's names (``analognasbench.data``), with 15,625 synthetic
cells whose baseline is NB201's CIFAR-10 test mean.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from analognas_fixture import ALL_TUPLES, synthetic_fields, write_anb
from importer_shared import REFUSED, RunsShell
from nascompanion.data import analognas, load_benchmark
from nascompanion.data import restricted_pickle as rp
from nascompanion.data.benchmark import BenchmarkDataError
from nascompanion.spaces import nb201

try:
    INSTALLED: Path | None = analognas.data_file()
except analognas.AnalogNASNotInstalledError:
    INSTALLED = None

needs_package = pytest.mark.skipif(
    INSTALLED is None,
    reason=f"analog-nasbench is not installed ({analognas.INSTALL_HINT}); its data file is what these tests read",
)

MIN_RANK_CORRELATION = 0.98
"""Least Spearman correlation of the baseline with NB201's CIFAR-10 test means (measured: 0.991)."""


@pytest.fixture(scope="module")
def nb201_cifar10() -> np.ndarray:
    """NB201's CIFAR-10 ori-test means, in NB201 index order."""
    return load_benchmark("nb201").test_accuracy("cifar10")[:, 0]


@pytest.fixture(scope="module")
def real():
    """The installed file's contents and benchmark, read once."""
    if INSTALLED is None:
        pytest.skip(f"analog-nasbench is not installed ({analognas.INSTALL_HINT})")
    assert "analognasbench" not in sys.modules, "precondition: nothing imported the package yet"
    content = analognas.read_data_file()
    benchmark = analognas.load_analognas()
    assert "analognasbench" not in sys.modules, "reading the file imported the package"
    return content, benchmark


# --- files in the upstream layout, written here ---------------------------------------------------


@pytest.fixture(scope="module")
def synthetic_cells(nb201_cifar10) -> dict[tuple[int, ...], dict[str, object]]:
    return {ops: synthetic_fields(float(nb201_cifar10[analognas.nb201_index(ops)])) for ops in ALL_TUPLES}


@pytest.fixture(scope="module")
def synthetic_file(synthetic_cells, tmp_path_factory) -> Path:
    return write_anb(tmp_path_factory.mktemp("anb") / "data.anb", synthetic_cells)




# --- the op-tuple convention ----------------------------------------------------------------------


def test_op_tuple_positions_follow_naslib_edges_in_nb201_string_order():
    # t0..t5 = edges (1,2),(1,3),(1,4),(2,3),(2,4),(3,4): string |t0~0|+|t1~0|t3~1|+|t2~0|t4~1|t5~2|
    assert analognas.arch_string((0, 1, 2, 3, 4, 0)) == (
        "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|"
    )
    assert analognas.arch_string((1, 1, 1, 1, 1, 1)) == "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"


def test_nb201_index_is_the_index_of_the_arch_string_and_one_to_one():
    indices = [analognas.nb201_index(ops) for ops in ALL_TUPLES]
    assert indices == [nb201.arch_to_index(analognas.arch_string(ops)) for ops in ALL_TUPLES]
    assert sorted(indices) == list(range(nb201.N_ARCHS))


@pytest.mark.parametrize("ops", [(0, 1, 2, 3, 4), (0, 1, 2, 3, 4, 5), (0, 1, 2, 3, 4, True), [0, 0, 0, 0, 0, 0]])
def test_malformed_op_tuple_is_refused(ops):
    with pytest.raises(ValueError, match="not a NASLib NB201 op tuple"):
        analognas.nb201_index(ops)


# --- finding the file -----------------------------------------------------------------------------


def test_missing_package_error_says_how_to_install(monkeypatch):
    def not_found(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", not_found)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(analognas.AnalogNASNotInstalledError, match="pip install analog-nasbench"):
        analognas.data_file()
    with pytest.raises(analognas.AnalogNASNotInstalledError, match="pip install analog-nasbench"):
        analognas.load_analognas()


def test_missing_file_is_named(tmp_path):
    with pytest.raises(BenchmarkDataError, match=f"{tmp_path / 'nothing.anb'}: file not found"):
        analognas.load_analognas(tmp_path / "nothing.anb")


# --- the reader's checks, on files written here ---------------------------------------------------


def test_synthetic_file_rows_land_on_their_nb201_index(synthetic_file, nb201_cifar10):
    bench = analognas.load_analognas(synthetic_file, trust_modified=True)
    assert bench.datasets == analognas.DATASETS
    np.testing.assert_allclose(bench.test_accuracy("analog-baseline")[:, 0], nb201_cifar10)
    np.testing.assert_allclose(analognas.drift_spread(synthetic_file, trust_modified=True)["analog-drift-1d"], 0.5)
    assert "not a release whose data.anb this importer has checked" in bench.provenance.notes[0]
    assert bench.provenance.modified and "MODIFIED" in bench.metric_name("analog-baseline", "test")


def test_a_file_that_is_no_known_release_is_refused_unless_trusted(synthetic_file):
    refusal = rf"{synthetic_file}: md5:[0-9a-f]{{32}} is not the md5 of a data.anb .*trust_modified=True"
    with pytest.raises(analognas.ModifiedSourceError, match=refusal):
        analognas.load_analognas(synthetic_file)
    with pytest.raises(analognas.ModifiedSourceError, match=refusal):
        analognas.drift_spread(synthetic_file)


def test_crafted_file_cannot_run_code(tmp_path):
    marker = tmp_path / "code-ran"
    path = tmp_path / "data.anb"
    path.write_bytes(pickle.dumps({(0, 0, 0, 0, 0, 0): RunsShell(marker)}, protocol=4))
    with pytest.raises(BenchmarkDataError) as caught:
        analognas.load_analognas(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"refused to unpickle {REFUSED}" in message
    assert "allowed: analognasbench.data.Architecture, analognasbench.data.DriftMeasurement" in message
    assert not marker.exists(), "the crafted pickle ran its command"
    with pytest.raises(BenchmarkDataError, match="refused to unpickle"):
        analognas.drift_spread(path)
    assert not marker.exists()


def test_allowed_record_class_refuses_anything_but_plain_data(tmp_path):
    # the allowed class, with a set (EMPTY_SET, no global needed) where a number belongs
    path = write_anb(tmp_path / "data.anb", {(0, 0, 0, 0, 0, 0): {"baseline_accuracy": {1.0}}})
    refusal = r"data\.anb: refused AnalogNASArchitecture\.baseline_accuracy of type set"
    with pytest.raises(BenchmarkDataError, match=refusal):
        analognas.load_analognas(path)


def test_allowed_record_class_cannot_be_called_with_arguments():
    # REDUCE Architecture("x"): the stand-in has no __init__ to take it
    crafted = b"\x80\x04\x8c\x13analognasbench.data\x8c\x0cArchitecture\x93\x8c\x01x\x85R."
    with pytest.raises(TypeError):
        rp.loads(crafted, analognas.ALLOW_LIST)


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_truncated_file_gives_a_clear_error(synthetic_file, tmp_path, keep):
    raw = synthetic_file.read_bytes()
    path = tmp_path / "data.anb"
    path.write_bytes(raw[: int(len(raw) * keep)])
    with pytest.raises(BenchmarkDataError, match=r"data\.anb: not a whole pickle .*truncated or corrupt"):
        analognas.load_analognas(path)


def test_empty_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "data.anb"
    path.write_bytes(b"")
    with pytest.raises(BenchmarkDataError, match=r"data\.anb: empty file"):
        analognas.load_analognas(path)


def test_missing_cell_is_named(synthetic_cells, tmp_path):
    cells = dict(synthetic_cells)
    del cells[(2, 2, 2, 2, 2, 2)]
    path = write_anb(tmp_path / "data.anb", cells)
    index = analognas.nb201_index((2, 2, 2, 2, 2, 2))
    with pytest.raises(BenchmarkDataError) as caught:
        analognas.load_analognas(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"holds 15624 of the 15625 NB201 cells; 1 missing (first: NB201 index {index}" in message


def test_record_for_another_cell_is_refused(synthetic_cells, tmp_path):
    cells = dict(synthetic_cells)
    cells[(0, 0, 0, 0, 0, 1)] = {**cells[(0, 0, 0, 0, 0, 1)], "architecture": (0, 0, 0, 0, 0, 0)}
    path = write_anb(tmp_path / "data.anb", cells)
    refusal = r"under key \(0, 0, 0, 0, 0, 1\) says its architecture is \(0, 0, 0, 0, 0, 0\)"
    with pytest.raises(BenchmarkDataError, match=refusal):
        analognas.load_analognas(path)


def test_record_without_a_field_is_named(synthetic_cells, tmp_path):
    fields = dict(synthetic_cells[(0, 0, 0, 0, 0, 0)])
    del fields["qat_accuracy"]
    path = write_anb(tmp_path / "data.anb", {(0, 0, 0, 0, 0, 0): fields})
    with pytest.raises(BenchmarkDataError, match=r"missing: qat_accuracy; unexpected: none"):
        analognas.load_analognas(path)


def test_fraction_instead_of_percent_is_refused_by_validation(synthetic_cells, tmp_path):
    cells = dict(synthetic_cells)
    cells[(2, 2, 2, 2, 2, 2)] = {**cells[(2, 2, 2, 2, 2, 2)], "ptq_accuracy": 150.0}
    path = write_anb(tmp_path / "data.anb", cells)
    with pytest.raises(BenchmarkDataError, match=r"analog-ptq test accuracy has values outside \[0, 100\]"):
        analognas.load_analognas(path)


# --- the real file ---------------------------------------------------------------------------------


@needs_package
def test_real_file_names_only_the_two_record_classes():
    refused = []
    allowed: dict[str, object] = {}
    while True:  # what the allow-list was built from: add each refused global until the file loads
        try:
            with open(INSTALLED, "rb") as handle:
                rp.load(handle, rp.AllowList("probe", allowed))
            break
        except rp.RefusedGlobalError as err:
            refused.append(err.qualified)
            allowed[err.qualified] = type(err.name, (), {})
    assert sorted(refused) == list(analognas.ALLOW_LIST.names())


@needs_package
def test_real_baseline_ranks_like_nb201_cifar10_test(real, nb201_cifar10):
    _, bench = real
    rho = spearmanr(bench.test_accuracy("analog-baseline")[:, 0], nb201_cifar10).statistic
    assert rho >= MIN_RANK_CORRELATION


@needs_package
def test_wrong_op_mapping_ranks_far_worse(real, nb201_cifar10):
    content, _ = real
    baseline = content.values["baseline_accuracy"]
    wrong = {
        # NB201's op order assumed for the codes (0 none, 1 skip, 2 conv1x1, 3 conv3x3): measured 0.50
        "nb201 op order": lambda ops: nb201.ops_to_index(tuple(ops[p] for p in analognas.STRING_ORDER)),
        # the right codes, but the tuple read in string order (t2 and t3 swapped): measured 0.75
        "tuple in string order": lambda ops: nb201.ops_to_index(tuple(analognas._NB201_CODE[o] for o in ops)),
    }
    for name, index in wrong.items():
        rows = np.array([index(tuple(int(o) for o in ops)) for ops in content.ops])
        assert sorted(rows.tolist()) == list(range(nb201.N_ARCHS)), f"{name}: still one-to-one"
        placed = np.empty(nb201.N_ARCHS)
        placed[rows] = baseline
        rho = spearmanr(placed, nb201_cifar10).statistic
        assert rho < 0.85, f"{name}: rank correlation {rho:.3f}"


@needs_package
def test_real_file_holds_every_cell_once(real):
    content, bench = real
    rows = [analognas.nb201_index(tuple(int(o) for o in ops)) for ops in content.ops]
    assert rows == list(range(nb201.N_ARCHS))
    assert len({tuple(ops) for ops in content.ops.tolist()}) == nb201.N_ARCHS
    assert bench.arch_strings == nb201.arch_strings()


@needs_package
def test_real_values_are_percent_within_0_to_100(real):
    _, bench = real
    for dataset in analognas.DATASETS:
        values = bench.test_accuracy(dataset)
        assert values.shape == (nb201.N_ARCHS, 1) and np.isfinite(values).all()
        assert 0.0 <= values.min() and values.max() <= 100.0, dataset
    baseline = bench.test_accuracy("analog-baseline")[:, 0]
    assert baseline.max() > 90 and np.median(baseline) > 80, "percent, not fractions"


@needs_package
def test_real_disconnected_cells_are_exactly_at_chance(real):
    _, bench = real
    at_chance = bench.test_accuracy("analog-baseline")[:, 0] == analognas.CHANCE
    assert np.array_equal(at_chance, ~nb201.has_input_output_path())  # 341 cells, ties at 10.0


@needs_package
def test_real_metrics_are_test_only_and_drift_means_are_not_per_seed(real):
    _, bench = real
    for dataset in analognas.DATASETS:
        assert not bench.has_metric(dataset, "validation")
        assert "no validation split" in bench.metric_name(dataset, "test")
        assert bench.is_per_seed(dataset) == (dataset in analognas.SINGLE_FIELDS)
        assert bench.dataset(dataset).seed_noise is None


@needs_package
def test_real_drift_spreads_are_sds_zero_only_at_chance(real):
    content, bench = real
    spreads = analognas.drift_spread()
    assert sorted(spreads) == sorted(analognas.DRIFT_FIELDS)
    for dataset, spread in spreads.items():
        mean = bench.test_accuracy(dataset)[:, 0]
        assert spread.shape == (nb201.N_ARCHS,) and (spread >= 0).all()
        assert (np.abs(mean[spread == 0] - analognas.CHANCE) <= 0.11).all(), dataset
        np.testing.assert_array_equal(spread, content.spreads[analognas.DRIFT_FIELDS[dataset]])


@needs_package
def test_real_provenance_names_package_version_file_md5_and_licence(real):
    content, bench = real
    provenance = bench.provenance
    assert provenance.kind == analognas.KIND
    assert provenance.sources == (str(INSTALLED),)
    assert provenance.checksums == {"data.anb": content.checksum}
    first = provenance.notes[0]
    assert f"read from the installed analog-nasbench {analognas.installed_version()}" in first
    assert "Apache License 2.0" in first
    if content.checksum in analognas.KNOWN_FILES:
        assert analognas.KNOWN_FILES[content.checksum] in first
    assert any("no validation split" in note for note in provenance.notes)
