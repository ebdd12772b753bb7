"""The digits benchmark refuses a file it cannot vouch for, with or without its manifest."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from nascompanion.data.benchmark import BenchmarkDataError
from nascompanion.data.digits import (
    CHECKSUM_ARRAY,
    MANIFEST_FILE,
    MANIFEST_NOTES,
    RESULT_FILE,
    load_digits_benchmark,
    shipped_path,
    values_digest,
    with_checksum,
)
from nascompanion.train.grid import write_atomic

SHIPPED_VALUES = "sha256:52db677be8f4153bc1a4a64e8ca8b7cef864dd8ef4044ee388363ecd00b08de6"
"""The digest of the values the chapters denoising_pipeline and pvll_nas were executed on."""


def _arrays(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture
def copy(tmp_path):
    """A copy of the shipped benchmark and its manifest."""
    for name in (RESULT_FILE, MANIFEST_FILE):
        shutil.copy(shipped_path().with_name(name), tmp_path / name)
    return tmp_path / RESULT_FILE


def _set_cell_100_to_full_marks(arrays):
    arrays["denoised_val_correct"][100] = int(arrays["n_val"])


def _swap_two_cells(arrays):
    arrays["noisy_val_correct"][[7, 9]] = arrays["noisy_val_correct"][[9, 7]]


def _strip_checksums(manifest):
    del manifest["checksums"]


@pytest.mark.parametrize("edit", [_set_cell_100_to_full_marks, _swap_two_cells])
@pytest.mark.parametrize("manifest", ["kept", "deleted", "without checksums"])
def test_edited_values_are_refused_whatever_became_of_the_manifest(copy, edit, manifest):
    arrays = _arrays(copy)
    edit(arrays)
    write_atomic(copy, arrays)  # the checksum inside is the old one
    manifest_path = copy.with_name(MANIFEST_FILE)
    if manifest == "deleted":
        manifest_path.unlink()
    elif manifest == "without checksums":
        record = json.loads(manifest_path.read_text())
        _strip_checksums(record)
        manifest_path.write_text(json.dumps(record))
    with pytest.raises(BenchmarkDataError, match=f"{RESULT_FILE}: its values do not match the checksum it carries"):
        load_digits_benchmark(copy)


def test_a_manifest_without_checksums_is_refused_naming_it(copy):
    manifest_path = copy.with_name(MANIFEST_FILE)
    record = json.loads(manifest_path.read_text())
    _strip_checksums(record)
    manifest_path.write_text(json.dumps(record))
    with pytest.raises(BenchmarkDataError, match=f"{MANIFEST_FILE}: names no checksum of {RESULT_FILE}"):
        load_digits_benchmark(copy)


def test_a_file_without_the_checksum_of_its_values_is_refused(copy):
    arrays = _arrays(copy)
    del arrays[CHECKSUM_ARRAY]
    write_atomic(copy, arrays)
    copy.with_name(MANIFEST_FILE).unlink()
    with pytest.raises(BenchmarkDataError, match=f"{RESULT_FILE}: carries no checksum of its values"):
        load_digits_benchmark(copy)


def _counts_above_total(a):
    a["noisy_val_correct"][3, 0] = int(a["n_val"]) + 1


def _counts_below_minus_one(a):
    a["noisy_test_correct"][3, 0] = -2


def _float_counts(a):
    a["denoised_val_correct"] = a["denoised_val_correct"].astype(np.float64)


def _no_validation_images(a):
    a["n_val"] = np.int64(0)


def _repeated_seed(a):
    a["seeds"] = np.array([0, 0, 2])


def _negative_training_time(a):
    a["train_seconds"] = np.float64(-1.0)


def _missing_training_time(a):
    a["train_seconds"] = np.float64(np.nan)


def _a_seed_column_lost(a):
    a["noisy_val_correct"] = a["noisy_val_correct"][:, :2]


@pytest.mark.parametrize("edit, message", [
    (_counts_above_total, r"noisy validation holds counts outside -1\.\.400"),
    (_counts_below_minus_one, r"noisy test holds counts outside -1\.\.397"),
    (_float_counts, "denoised validation holds float64 values; expected integer counts"),
    (_no_validation_images, "n_val must be one integer >= 1, got 0"),
    (_repeated_seed, r"seeds must be distinct integers >= 0, at least one, got \[0, 0, 2\]"),
    (_negative_training_time, "train_seconds must be one finite number >= 0, got -1.0"),
    (_missing_training_time, "train_seconds must be one finite number >= 0, got nan"),
    (_a_seed_column_lost, r"noisy validation has shape \(15625, 2\), expected \(15625, 3\)"),
])
def test_values_out_of_range_are_refused_even_under_a_matching_checksum(copy, edit, message):
    arrays = _arrays(copy)
    edit(arrays)
    write_atomic(copy, with_checksum(arrays))  # as if whoever edited it also stamped it again
    copy.with_name(MANIFEST_FILE).unlink()
    with pytest.raises(BenchmarkDataError, match=f"{RESULT_FILE}: {message}"):
        load_digits_benchmark(copy)


@pytest.mark.parametrize("text, reason", [
    ('{"checksums": {"digits201.npz": Infinity}}', "Infinity is not valid JSON"),
    ('{"ratio": NaN}', "NaN is not valid JSON"),
    ('{"checksums": {"digits201.npz"', "Expecting"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_a_manifest_that_is_not_strict_json_is_refused_naming_it(copy, text, reason):
    copy.with_name(MANIFEST_FILE).write_text(text)
    with pytest.raises(BenchmarkDataError, match=f"{MANIFEST_FILE}: not a readable JSON manifest .*{reason}"):
        load_digits_benchmark(copy)


def test_a_manifest_that_is_not_an_object_names_no_checksum(copy):
    copy.with_name(MANIFEST_FILE).write_text("[1, 2]")
    with pytest.raises(BenchmarkDataError, match="names no checksum"):
        load_digits_benchmark(copy)


def test_the_shipped_values_are_the_ones_the_chapters_were_executed_on():
    arrays = _arrays(shipped_path())
    assert values_digest(arrays) == str(arrays[CHECKSUM_ARRAY]) == SHIPPED_VALUES


def test_the_shipped_manifest_is_strict_json_and_says_what_null_means():
    def refuse(name):
        raise AssertionError(f"{name} in the manifest")

    manifest = json.loads(shipped_path().with_name(MANIFEST_FILE).read_text(), parse_constant=refuse)
    assert {key: manifest[key] for key in MANIFEST_NOTES} == dict(MANIFEST_NOTES)


def test_a_digest_covers_names_dtypes_shapes_and_values():
    base = {"a": np.arange(4, dtype=np.int16)}
    variants = [{"b": base["a"]}, {"a": base["a"].astype(np.int32)}, {"a": base["a"].reshape(2, 2)},
                {"a": base["a"][::-1].copy()}]
    digests = {values_digest(v) for v in variants} | {values_digest(base)}
    assert len(digests) == len(variants) + 1
    assert values_digest({**base, CHECKSUM_ARRAY: np.array("anything")}) == values_digest(base)
