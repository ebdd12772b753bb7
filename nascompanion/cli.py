"""The ``nascompanion`` command: data check, book build, one chapter with parameters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nascompanion import book
from nascompanion.notebook import SCALES


def data_check(source: str | None) -> int:
    """Print what data is available, from where, and what it supports."""
    from nascompanion.config import DATA_ENV, candidate_data_locations
    from nascompanion.data import DataNotFoundError, find_source, load_benchmark
    from nascompanion.objectives import ObjectiveUnavailableError, VERSIONS, seed_noise

    try:
        kind, path = find_source(source)
    except DataNotFoundError as err:
        print(f"no data: {err}")
        return 1
    print(f"source:   {path}")
    print(f"importer: {kind}")
    bench = load_benchmark(source)
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
    print(f"\n(set {DATA_ENV} to use other data; searched: {', '.join(str(p) for p in candidate_data_locations()[:2])} ...)")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nascompanion`` command."""
    parser = argparse.ArgumentParser(prog="nascompanion", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="inspect benchmark data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    check = data_sub.add_parser("check", help="print what data is available and what it supports")
    check.add_argument("--source", help="file or folder (default: the configured location)")

    build = sub.add_parser("book", help="execute every chapter and render the HTML book")
    build.add_argument("--scale", default="paper", choices=SCALES)
    build.add_argument("--no-execute", action="store_true", help="only render already executed chapters")

    run = sub.add_parser("run", help="execute one chapter with papermill parameters")
    run.add_argument("chapter", help=f"one of: {', '.join(book.CHAPTERS)}")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    run.add_argument("-o", "--output", type=Path, help="executed notebook (default book/chapters/CHAPTER.ipynb)")

    execute = sub.add_parser("execute", help="execute every chapter at a scale into a folder (no rendering)")
    execute.add_argument("--scale", default="smoke", choices=SCALES)
    execute.add_argument("--output-dir", type=Path, required=True)

    args = parser.parse_args(argv)
    if args.command == "data":
        return data_check(args.source)
    if args.command == "book":
        if not args.no_execute:
            book.run_all(args.scale)
        index = book.build_html()
        print(f"\nThe book is at {index}")
        return 0
    if args.command == "run":
        try:
            book.check_chapter(args.chapter)
        except ValueError as err:
            parser.error(str(err))
        parameters = {name: book.parse_value(value) for name, value in args.parameter}
        result = book.run_chapter(args.chapter, parameters, output=args.output)
        print(f"{result.name}: executed in {result.seconds:.1f} s -> {result.output}")
        return 0
    if args.command == "execute":
        book.run_all(args.scale, output_dir=args.output_dir)
        return 0
    return 2  # pragma: no cover


if __name__ == "__main__":
    sys.exit(main())
