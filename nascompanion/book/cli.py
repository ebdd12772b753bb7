"""The ``nascompanion`` command: data check, book build, one chapter with parameters."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from nascompanion.book import ledger
from nascompanion.book import runner as book
from nascompanion.book.notebook import SCALES


def data_check(source: str | None) -> int:
    """Print which data the package reads, why, what each dataset supports, and where to get more."""
    from nascompanion.data import WHERE_TO_GET_PER_SEED_DATA, BenchmarkDataError, DataNotFoundError, load_benchmark, locate
    from nascompanion.objectives import ObjectiveUnavailableError, VERSIONS, seed_noise

    try:
        located = locate(source)
        bench = load_benchmark(source)
    except (DataNotFoundError, BenchmarkDataError) as err:
        print(f"no data: {err}")
        return 1
    print(f"source:   {located.path}")
    print(f"importer: {located.kind}")
    print(f"why:      {located.reason}")
    if located.looked_in:
        print(f"looked in: {', '.join(str(place) for place in located.looked_in)}")
    for name, checksum in bench.provenance.checksums.items():
        print(f"  {name}  {checksum}")
    for note in bench.provenance.notes:
        print(f"note:     {note}")
    print()
    for dataset in bench.datasets:
        print(f"{dataset}:")
        for metric in ("validation", "test"):
            if bench.has_metric(dataset, metric):
                counts = bench.seed_counts(dataset, metric)
                if not bench.is_per_seed(dataset):
                    columns = "one column: a mean of seeds"
                elif counts.min() == counts.max():
                    columns = f"{counts.min()} seeds per cell"
                else:
                    columns = f"{counts.min()} to {counts.max()} seeds per cell"
                print(f"  {metric:10s} {bench.metric_name(dataset, metric)}; {columns}")
            else:
                print(f"  {metric:10s} not in this source")
        supported = []
        for version in VERSIONS:
            if version == "standard" and not bench.is_per_seed(dataset):
                continue
            if version == "noise":
                try:
                    noise = seed_noise(bench, dataset)
                except ObjectiveUnavailableError:
                    continue
                supported.append(f"noise(x) [sigma={noise.sigma:.3f}: {noise.method}]")
                continue
            supported.append(version)
        print(f"  objective versions: {', '.join(supported)}")
    print("\nOrder of sources: --source, then $NASCOMPANION_DATA (a file, a folder, or a named source: nb201, "
          "digits201), then shared/data/nb201 beside the repository, then the tables that ship with the package.")
    print("Official and NATS-Bench files are unpickled with an allow-list: a file that names other code is refused.")
    print("Per-seed NAS-Bench-201 data (the real one-seed 'standard' objective) is in the official releases:")
    for line in WHERE_TO_GET_PER_SEED_DATA:
        print(f"  {line}")
    return 0


def data_embed(folder: Path, dest: Path | None) -> int:
    """Rebuild the tables that ship with the package from the CSV tables in ``folder``."""
    from nascompanion.data import BenchmarkDataError, embedded

    try:
        written = embedded.embed(folder, dest or embedded.shipped_folder())
    except BenchmarkDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"wrote {written} ({written.stat().st_size / 1e3:.0f} kB) and {written.with_name(embedded.MANIFEST_FILE).name}")
    return 0


def store_check(per_algorithm: int, seed: int) -> int:
    """Replay ``per_algorithm`` stored blocks of each stored algorithm; print one line per block."""
    import numpy as np

    from nascompanion.compare import replay
    from nascompanion.data import load_benchmark
    from nascompanion.data.analognas import load_analognas

    blocks = replay.stored_blocks()
    usable = replay.current(blocks)
    print(f"{len(blocks)} stored blocks, {len(usable)} for the code installed now")
    loaders = {"nb201": lambda: load_benchmark("nb201"), "analognas": load_analognas}
    failed = 0
    for block in replay.sample(usable, per_algorithm, np.random.default_rng(seed)):
        bench = replay.benchmark_for(block.payload, loaders)
        if bench is None:
            print(f"  {block.path.name} block {block.index}: no benchmark with its checksums here, skipped")
            continue
        try:
            checked = replay.replay(block, bench)
            print(f"  {block.algorithm} {block.path.name} block {block.index} ({block.size} trials): {checked} replays")
        except AssertionError as err:
            failed += 1
            print(f"  {err}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nascompanion`` command."""
    parser = argparse.ArgumentParser(prog="nascompanion", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="inspect benchmark data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    check = data_sub.add_parser("check", help="print what data is available and what it supports")
    check.add_argument("--source", help="file, folder (CSV tables, an official .pth, a NATS-Bench tss folder) "
                       "or named source (nb201, digits201); default: the configured one")
    embed = data_sub.add_parser("embed", help="rebuild the NAS-Bench-201 tables that ship with the package")
    embed.add_argument("--from", dest="folder", type=Path, required=True, help="folder with the NB201 CSV tables")
    embed.add_argument("--dest", type=Path, help="output folder (default: the package's nascompanion/data/nb201)")

    build = sub.add_parser("book", help="execute every chapter and render the HTML book")
    build.add_argument("--scale", default="paper", choices=SCALES)
    build.add_argument("--no-execute", action="store_true", help="only render already executed chapters")
    build.add_argument("--recompute", action="store_true",
                       help="ignore the stored histories of the model-based searches and every cached result (slow)")

    run = sub.add_parser("run", help="execute one chapter with papermill parameters")
    run.add_argument("chapter", help=f"one of: {', '.join(book.CHAPTERS)}")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    run.add_argument("-o", "--output", type=Path, help="executed notebook (default book/chapters/CHAPTER.ipynb)")

    execute = sub.add_parser("execute", help="execute every chapter at a scale into a folder (no rendering)")
    execute.add_argument("--scale", default="smoke", choices=SCALES)
    execute.add_argument("--output-dir", type=Path, required=True)

    stored = sub.add_parser("store", help="the stored histories of the model-based searches the book is built from")
    store_sub = stored.add_subparsers(dest="store_command", required=True)
    update = store_sub.add_parser("update", help="rerun the chapters that use the store at paper scale, adding "
                                  "what is missing to the shipped store and removing what they no longer use")
    update.add_argument("--recompute", action="store_true", help="compute every entry again, reusing none")
    update.add_argument("--chapters", nargs="+", default=list(book.STORE_CHAPTERS), metavar="CHAPTER")
    update.add_argument("--workers", type=int, default=None,
                        help="processes computing missing blocks, one torch thread each (default: "
                             "$NASCOMPANION_WORKERS, else 1)")
    replay = store_sub.add_parser("check", help="recompute stored blocks and compare them with the store")
    replay.add_argument("--per-algorithm", type=int, default=1, help="blocks of each algorithm (default 1)")
    replay.add_argument("--seed", type=int, default=0)

    args = parser.parse_args(argv)
    if args.command == "store":
        if args.store_command == "check":
            return store_check(args.per_algorithm, args.seed)
        try:
            if args.workers is not None:
                import os

                from nascompanion.config import WORKERS_ENV, workers

                os.environ[WORKERS_ENV] = str(args.workers)
                workers()   # refuses anything but a positive count
            book.update_store(tuple(args.chapters), recompute=args.recompute)
        except ValueError as err:
            parser.error(str(err))
        except book.ChapterFailed as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        return 0
    if args.command == "data":
        if args.data_command == "embed":
            return data_embed(args.folder, args.dest)
        return data_check(args.source)
    signal.signal(signal.SIGTERM, _stop)
    try:
        if args.command == "book":
            if not args.no_execute:
                book.run_all(args.scale, recompute=args.recompute)
            findings = ledger.write_ledger()
            ledger.write_page(findings)
            print(f"[book] findings ledger: {findings.relative_to(book.REPO_ROOT)}", flush=True)
            index = book.build_html()
            print(f"\nThe book is at {index}")
            return 0
        if args.command == "run":
            parameters = {name: book.parse_value(value) for name, value in args.parameter}
            try:
                result = book.run_chapter(args.chapter, parameters, output=args.output)
            except ValueError as err:  # an unknown chapter or a bad parameter, found before a kernel starts
                parser.error(str(err))
            print(f"{result.name}: executed in {result.seconds:.1f} s -> {result.output}")
            return 0
        if args.command == "execute":
            book.run_all(args.scale, output_dir=args.output_dir)
            written = ledger.write_ledger(args.output_dir / "findings.json", chapter_dir=args.output_dir)
            print(f"[book] findings ledger of this run: {written}", flush=True)
            return 0
    except (book.ChapterFailed, ledger.LedgerError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover


def _stop(signum: int, frame: object) -> None:
    """On SIGTERM, unwind like an interrupt, so a running chapter is stopped and reported, not replaced."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
