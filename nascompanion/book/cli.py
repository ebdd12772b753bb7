"""The ``nascompanion`` command: data check, book build, one chapter with parameters."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

import numpy as np

from nascompanion.book import ledger
from nascompanion.book import runner as book
from nascompanion.book.arguments import UsageError, build_parser
from nascompanion.book.errors import EXPECTED, command_line, one_line, silence_stdout
from nascompanion.book.parameters import check_parameters, parse
from nascompanion.config import writable_folder
from nascompanion.data import WHERE_TO_GET_PER_SEED_DATA, BenchmarkDataError, DataNotFoundError, embedded, load_benchmark, locate
from nascompanion.objectives import ObjectiveUnavailableError, VERSIONS, seed_noise


def data_check(source: str | None, trust_modified: bool = False) -> int:
    """Print which data the package reads, why, what each dataset supports, and where to get more."""
    try:
        located = locate(source)
        bench = load_benchmark(source, trust_modified=trust_modified)
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


def data_embed(folder: Path, dest: Path | None, trust_modified: bool = False) -> int:
    """Rebuild the tables that ship with the package from the CSV tables in ``folder``."""
    written = embedded.embed(folder, dest or embedded.shipped_folder(), trust_modified=trust_modified)   # a refusal is the command's one-line error
    print(f"wrote {written} ({written.stat().st_size / 1e3:.0f} kB) and {written.with_name(embedded.MANIFEST_FILE).name}")
    return 0


def store_check(per_algorithm: int | None, seed: int, folder: Path | None = None) -> int:
    """Replay ``per_algorithm`` stored blocks of each stored algorithm (``None``: all) of the store in ``folder``
    (default: the shipped one); print one line per block."""
    from nascompanion.compare import rekey, replay   # here: these load torch (through BANANAS), which other commands skip

    if folder is not None and not Path(folder).is_dir():
        raise NotADirectoryError(20, "not a folder of stored histories", str(folder))
    blocks = replay.stored_blocks(folder)
    usable = replay.current(blocks)
    print(f"{len(blocks)} stored blocks, {len(usable)} for the code installed now")
    loaders = rekey.default_loaders()
    failed = 0
    count = len(usable) if per_algorithm is None else per_algorithm
    for block in replay.sample(usable, count, np.random.default_rng(seed)):
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


def store_rekey(folder: Path | None, dry_run: bool, prefixes: list[str], algorithms: list[str] | None,
                limit: int | None = None, list_only: bool = False) -> int:
    """Move stale stored blocks to the current code's key where a replay proves them unchanged
    (:mod:`nascompanion.compare.rekey`; at most ``limit`` of them; ``list_only``: name them, replay nothing);
    exit 1 if any block differs or was skipped."""
    from nascompanion.compare import rekey   # here: it loads torch (through BANANAS), which other commands skip

    argv = [*(["--folder", str(folder)] if folder else []), *(["--dry-run"] if dry_run else []),
            *(["--limit", str(limit)] if limit else []), *(["--list"] if list_only else []),
            *[part for text in prefixes for part in ("--prefix", text)],
            *[part for name in algorithms or [] for part in ("--algorithm", name)]]
    return rekey.main(argv)


def run_one(chapter: str, parameters: list[tuple[str, str]], output: Path | None, threads: int | None) -> int:
    """Execute one chapter with ``-p NAME VALUE`` parameters, each read by the type the chapter declares."""
    try:
        values = {name: parse(chapter, name, text) for name, text in parameters}
        check_parameters(chapter, values)   # found before a kernel starts: a usage error
    except ValueError as err:
        raise UsageError(f"nascompanion run: error: {err}") from None
    result = book.run_chapter(chapter, values, output=output, threads=threads)
    print(f"{result.name}: executed in {result.seconds:.1f} s -> {result.output}")
    return 0


def build_book(scale: str, execute: bool, recompute: bool, threads: int | None, workers: int | None = None,
               scheduler: str | None = None) -> int:
    """Execute every chapter (unless ``execute`` is false; the model-based searches' missing blocks on a local
    dask cluster of ``workers`` processes or the one at ``scheduler``), write the findings ledger, render the
    HTML book."""
    if execute:
        from nascompanion.compare import dispatch   # here: the comparison loads torch, which rendering skips

        with dispatch.cluster(workers, scheduler):
            book.run_all(scale, recompute=recompute, threads=threads)
    findings = ledger.write_ledger()
    ledger.write_page(findings)
    print(f"[book] findings ledger: {findings.relative_to(book.REPO_ROOT)}", flush=True)
    index = book.build_html()
    print(f"\nThe book is at {index}")
    return 0


def execute_into(scale: str, output_dir: Path, threads: int | None) -> int:
    """Execute every chapter at ``scale`` into ``output_dir`` and write that run's findings ledger there."""
    writable_folder(output_dir, "choose another with --output-dir")
    book.run_all(scale, output_dir=output_dir, threads=threads)
    written = ledger.write_ledger(output_dir / "findings.json", chapter_dir=output_dir)
    print(f"[book] findings ledger of this run: {written}", flush=True)
    return 0


def store_update(chapters: list[str], recompute: bool, workers: int | None, threads: int | None,
                 scheduler: str | None = None) -> int:
    """Rerun the store chapters at paper scale, writing the shipped store (see :func:`runner.update_store`), with
    the missing blocks computed on a local dask cluster of ``workers`` processes or the one at ``scheduler``."""
    book.update_store(tuple(chapters), recompute=recompute, threads=threads, workers=workers, scheduler=scheduler)
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command ``args`` names."""
    if args.command == "data":
        if args.data_command == "embed":
            return data_embed(args.folder, args.dest, args.trust_modified)
        return data_check(args.source, args.trust_modified)
    if args.command == "store":
        if args.store_command == "check":
            return store_check(args.per_algorithm, args.seed, args.folder)
        if args.store_command == "rekey":
            return store_rekey(args.folder, args.dry_run, args.prefix, args.algorithm, args.limit, args.list)
        return store_update(args.chapters, args.recompute, args.workers, args.threads, args.scheduler)
    signal.signal(signal.SIGTERM, _stop)
    if args.command == "run":
        return run_one(args.chapter, args.parameter, args.output, args.threads)
    if args.command == "execute":
        return execute_into(args.scale, args.output_dir, args.threads)
    return build_book(args.scale, not args.no_execute, args.recompute, args.threads, args.workers, args.scheduler)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nascompanion`` command: an expected failure is one line on stderr naming the
    command and its input, with a non-zero exit status; ``--debug`` shows the stack instead."""
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    try:
        status = _dispatch(build_parser().parse_args(argv))
        sys.stdout.flush()   # a closed pipe fails here, not after the command has ended
        return status
    except UsageError as err:
        print(err, file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:
        if debug:
            raise
        print(f"{command_line(argv)}: stopped by an interrupt" + (f": {err}" if str(err) else ""), file=sys.stderr)
        return 130
    except BrokenPipeError:
        silence_stdout()
        print(f"{command_line(argv)}: output closed before the end (broken pipe)", file=sys.stderr)
        return 141
    except EXPECTED as err:
        if debug:
            raise
        print(f"{command_line(argv)}: error: {one_line(err)}", file=sys.stderr)
        return 1


def _stop(signum: int, frame: object) -> None:
    """On SIGTERM, unwind like an interrupt, so a running chapter is stopped and reported, not replaced."""
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
