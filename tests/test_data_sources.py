"""Where data comes from: the shipped NAS-Bench-201 tables, the order of sources, and the install files."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest
import yaml
from packaging.requirements import Requirement

import nascompanion.data as data
from conftest import needs_tables, table_folder
from nascompanion.book import cli
from nascompanion.config import DATA_ENV, REPO_ROOT
from nascompanion.data import BenchmarkDataError, DataNotFoundError, embedded, load_benchmark, locate
from nascompanion.data.tables import load_tables


@pytest.fixture
def lonely(monkeypatch):
    """As in a fresh clone: no NASCOMPANION_DATA and no data folder beside the repository."""
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setattr(data, "data_location", lambda: None)


@needs_tables
def test_shipped_tables_rebuild_identically_from_the_csv_tables(tmp_path):
    written = embedded.embed(table_folder(), tmp_path)
    rebuilt, rebuilt_manifest = embedded.read_embedded(tmp_path)
    shipped, shipped_manifest = embedded.read_embedded()
    assert rebuilt_manifest == shipped_manifest
    assert sorted(rebuilt) == sorted(shipped)
    for key in shipped:
        assert rebuilt[key].dtype == shipped[key].dtype and np.array_equal(rebuilt[key], shipped[key]), key
    # the writer fixes member order and timestamps, so the same zlib gives the same bytes
    assert written.read_bytes() == (embedded.shipped_folder() / embedded.TABLE_FILE).read_bytes()


@needs_tables
def test_shipped_tables_give_the_same_benchmark_as_the_csv_import():
    shipped, imported = load_benchmark("nb201"), load_tables(table_folder())
    assert dict(shipped.provenance.checksums) == dict(imported.provenance.checksums)
    for dataset in imported.datasets:
        for metric in ("validation", "test"):
            if imported.has_metric(dataset, metric):
                np.testing.assert_array_equal(shipped.accuracy(dataset, metric), imported.accuracy(dataset, metric))
        assert shipped.dataset(dataset).seed_noise == imported.dataset(dataset).seed_noise


def test_shipped_manifest_records_every_source_with_licence_and_md5():
    _, manifest = embedded.read_embedded()
    assert set(manifest["sources"]) == {"nb201_cifar10-valid_mean200.csv", "nb201_test_mean200.csv"} | {
        f"genotype_{d}_{side}.csv" for d in ("cifar10", "cifar100", "ImageNet") for side in ("best", "worst")
    }
    for source in manifest["sources"].values():
        assert re.fullmatch(r"[0-9a-f]{32}", source["md5"]) and source["repository"].startswith("https://github.com/")
        assert source["licence"]
    assert manifest["sources"]["nb201_cifar10-valid_mean200.csv"]["md5"] == "7d9cf5bb8e443dfcf413deddf7c3b01e"
    assert manifest["sources"]["nb201_test_mean200.csv"]["md5"] == "644073c0daad5b1069becff769cfafa6"
    assert manifest["command"] == embedded.EMBED_COMMAND
    assert (embedded.shipped_folder() / embedded.TABLE_FILE).stat().st_size < 2_000_000


def test_shipped_tables_hold_the_published_optima_in_nb201_order():
    bench = load_benchmark("nb201")
    assert int(np.argmax(bench.validation_accuracy("cifar10-valid")[:, 0])) == 6111
    assert np.nanmax(bench.test_accuracy("cifar100")) == pytest.approx(73.513, abs=1e-3)
    assert bench.dataset("cifar10-valid").seed_noise.n > 0


def test_changed_shipped_content_is_refused(tmp_path):
    folder = tmp_path / "nb201"
    shutil.copytree(embedded.shipped_folder(), folder)
    arrays, _ = embedded.read_embedded(folder)
    arrays["cifar100.test"] = arrays["cifar100.test"] + 0.01
    altered = embedded._npz_bytes(arrays)
    (folder / embedded.TABLE_FILE).write_bytes(altered)
    with pytest.raises(BenchmarkDataError, match="nb201_tables.npz: sha256:[0-9a-f]{64} differs from the sha256:"):
        embedded.load_embedded(folder)
    manifest = json.loads((folder / embedded.MANIFEST_FILE).read_text())
    manifest["table_sha256"] = embedded.file_sha256(altered)  # the file's own digest forged too: the content's stays
    (folder / embedded.MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(BenchmarkDataError, match="content does not match manifest.json \\(digest differs\\)"):
        embedded.load_embedded(folder)
    (folder / embedded.TABLE_FILE).write_bytes(b"not a zip file")
    with pytest.raises(BenchmarkDataError, match="corrupt embedded tables"):
        embedded.load_embedded(folder)


def test_embed_refuses_a_folder_without_the_seed_noise_tables(tmp_path):
    if table_folder() is None:
        pytest.skip("needs the CSV tables")
    for name in ("nb201_cifar10-valid_mean200.csv", "nb201_test_mean200.csv"):
        shutil.copy(table_folder() / name, tmp_path / name)
    with pytest.raises(BenchmarkDataError, match="top_bottom_1pct: missing genotype_cifar10_best.csv"):
        embedded.embed(tmp_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_without_configured_data_the_shipped_tables_are_used(lonely):
    located = locate()
    assert located.kind == "nb201-embedded"
    assert "not set and no data folder was found beside the repository" in located.reason
    assert load_benchmark().provenance.notes[-1].startswith("Embedded in the package")


def test_environment_variable_names_a_source(monkeypatch):
    monkeypatch.setenv(DATA_ENV, "nb201")
    assert locate().kind == "nb201-embedded" and locate().reason == f"{DATA_ENV} is set to 'nb201'"
    monkeypatch.setenv(DATA_ENV, "digits201")
    assert locate().kind == "digits201"


@pytest.mark.parametrize(("typed", "meant"), [("digit201", "digits201"), ("nb210", "nb201")])
def test_misspelled_source_gets_a_did_you_mean(typed, meant, monkeypatch):
    with pytest.raises(DataNotFoundError, match=f"source '{typed}' is neither a named source.*did you mean '{meant}'"):
        load_benchmark(typed)
    monkeypatch.setenv(DATA_ENV, typed)
    with pytest.raises(DataNotFoundError, match=f"{DATA_ENV} '{typed}'.*did you mean '{meant}'"):
        locate()


def test_configured_missing_path_is_an_error_not_a_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(DataNotFoundError, match="no such file or folder"):
        load_benchmark()


def test_data_check_says_which_source_why_and_where_to_get_per_seed_files(lonely, capsys):
    assert cli.main(["data", "check"]) == 0
    out = capsys.readouterr().out
    assert "importer: nb201-embedded" in out and "why:      NASCOMPANION_DATA is not set and no data folder" in out
    assert "looked in: " in out and "shared/data/nb201" in out
    for release in ("NAS-Bench-201-v1_0-e61699.pth", "NAS-Bench-201-v1_1-096897.pth", "NATS-tss-v1_0-3ffb9-simple"):
        assert release in out
    assert "https://github.com/D-X-Y/NAS-Bench-201" in out


def test_data_check_of_a_misspelled_source_suggests_the_name(capsys):
    assert cli.main(["data", "check", "--source", "digit201"]) == 1
    assert "did you mean 'digits201'?" in capsys.readouterr().out


def _pyproject_requirements() -> list[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]


def test_environment_yml_and_pyproject_name_the_same_packages():
    environment = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    listed = [line for line in pip if not line.startswith("-")]
    assert sorted(set(listed)) == sorted(set(_pyproject_requirements()))   # an extra may repeat another's
    assert "-e ." in pip and "-c constraints.txt" in pip


def test_constraints_pin_every_requirement_inside_its_range():
    pins = {}
    for line in (REPO_ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins[requirement.name.lower().replace("_", "-")] = spec.version
    for line in _pyproject_requirements():
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"constraints.txt does not pin {name}"
        assert requirement.specifier.contains(pins[name], prereleases=True), (line, pins[name])
        assert not any(s.operator == "==" for s in requirement.specifier), f"pyproject pins {line}: use a range"


def _first_code_cell(path: Path) -> tuple[list[str], str]:
    import jupytext

    notebook = jupytext.read(path)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    return cell.metadata.get("tags", []), cell.source


@pytest.mark.parametrize("folder,suffix", [("notebooks", ".md"), ("book/chapters", ".ipynb")])
def test_every_chapter_first_installs_the_package_in_colab_only(folder, suffix):
    from nascompanion.book.runner import CHAPTERS

    repository = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["repository"]["url"]
    for name in CHAPTERS:
        tags, source = _first_code_cell(REPO_ROOT / folder / f"{name}{suffix}")
        assert "remove-cell" in tags, name
        assert 'if "google.colab" in sys.modules' in source and f"git+{repository}@main" in source, name
        namespace: dict = {}
        exec(compile(source, name, "exec"), namespace)  # outside Colab it does nothing
        assert "google.colab" not in namespace["sys"].modules
