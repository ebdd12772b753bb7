"""Command line of the digits grid: ``run``, ``consolidate`` and ``sweep`` (``python -m nascompanion.train``).

The work itself is in :mod:`nascompanion.train.grid` (chunks, consolidation,
sweeps) and :mod:`nascompanion.train.engine` (training them here or on a dask
cluster); this module only reads the arguments, checks each of them before any
work starts, and turns an expected failure into one line naming the input,
with exit status 2 (``--debug`` shows the stack instead). See the module
docstring of :mod:`nascompanion.train.grid` for the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

import torch

from nascompanion.spaces import nb201
from nascompanion.train import engine, grid
from nascompanion.train.digits_data import N_IMAGES
from nascompanion.train.pipelines import DEFAULT_SETTING, PIPELINES, SETTINGS

PROG = "python -m nascompanion.train"


class UsageError(ValueError):
    """A command-line argument outside what is allowed (reported in one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line instead of the usage block and the message
        raise UsageError(f"{message} (see {self.prog} --help)")


def integer(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in ``minimum..maximum`` (no upper bound if ``maximum`` is ``None``).

    Examples
    --------
    >>> integer(1)("3")
    3
    >>> integer(1, 10)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be an integer in 1..10, got 0
    """
    allowed = f">= {minimum}" if maximum is None else f"in {minimum}..{maximum}"

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer {allowed}, got {text!r}") from None
        if value < minimum or (maximum is not None and value > maximum):
            raise argparse.ArgumentTypeError(f"must be an integer {allowed}, got {value}")
        return value

    return parse


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds > 0.

    Examples
    --------
    >>> positive_seconds("1.5")
    1.5
    """
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text!r}")
    return value


def _debug(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the stack of an error instead of one line")


def _run_parser(sub) -> None:
    run = sub.add_parser("run", help="train every chunk without a finished file (resumable)")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--setting", default=DEFAULT_SETTING, choices=tuple(SETTINGS),
                     help=f"network, split, distortion and epochs (default {DEFAULT_SETTING})")
    run.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    _plan_arguments(run)
    run.add_argument("--time-limit", type=positive_seconds, default=None)
    run.add_argument("--autocast", action="store_true", help="bfloat16 autocast on the GPU")
    run.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    run.add_argument("--nondeterministic", action="store_true", help="let cuDNN pick non-deterministic algorithms")
    run.add_argument("--epochs", type=integer(1), default=None, help="override both pipelines' epochs")
    run.add_argument("--width", type=integer(1), default=None, help="override the network width")
    run.add_argument("--n-train", type=integer(2), default=None, help="override the training images")
    run.add_argument("--threads", type=integer(1), default=None, metavar="T",
                     help="threads of torch and the numeric libraries per worker process (default: cores // N "
                          "with --workers N; dask's own workers start with 1, so give it with --scheduler on CPUs)")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--workers", type=integer(1), default=None, metavar="N",
                       help="train on a local dask cluster of N worker processes (one per GPU on cuda); "
                            "default: in this process")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="train on the workers of a running dask cluster (e.g. tcp://host:8786); "
                            "they must see --out at the same path")
    _debug(run)


def _plan_arguments(parser: argparse.ArgumentParser, what: str = "") -> None:
    parser.add_argument("--pipelines", nargs="+", default=list(PIPELINES), choices=tuple(PIPELINES), help=what or None)
    parser.add_argument("--seeds", nargs="+", type=integer(0), default=list(grid.SEEDS))
    parser.add_argument("--chunk", type=integer(1, nb201.N_ARCHS), default=grid.CHUNK)
    parser.add_argument("--start", type=integer(0, nb201.N_ARCHS - 1), default=0)
    parser.add_argument("--stop", type=integer(1, nb201.N_ARCHS), default=nb201.N_ARCHS)


def _consolidate_parser(sub) -> None:
    cons = sub.add_parser("consolidate", help="write the shipped npz and manifest from the chunks")
    cons.add_argument("--out", type=Path, required=True)
    cons.add_argument("--dest", type=Path, required=True)
    cons.add_argument("--setting", default=None, choices=tuple(SETTINGS),
                      help="check that the chunks were trained in this setting (they record it; default: any one)")
    cons.add_argument("--command", default="")
    cons.add_argument("--replace", action="store_true", help="overwrite the files already in --dest")
    _plan_arguments(cons, "the grid that must be complete")
    _debug(cons)


def _sweep_parser(sub) -> None:
    sw = sub.add_parser("sweep", help="measure candidate settings on random cells")
    sw.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    sw.add_argument("--n-archs", type=integer(1, int(nb201.has_input_output_path().sum())), default=128)
    sw.add_argument("--candidates", default="8,8,1000",
                    help=f"{','.join(grid.CANDIDATE_FIELDS)} (the last five optional); candidates separated by ';'")
    sw.add_argument("--time-limit", type=positive_seconds, default=150.0)
    sw.add_argument("--json", type=Path, default=None)
    sw.add_argument("--conv", default="grouped", choices=("grouped", "einsum"))
    sw.add_argument("--autocast", action="store_true")
    sw.add_argument("--pipelines", nargs="+", default=list(PIPELINES), choices=tuple(PIPELINES))
    _debug(sw)


def parser() -> argparse.ArgumentParser:
    """The argument parser of the three commands."""
    top = _Parser(prog=PROG, description=(grid.__doc__ or "").splitlines()[0])
    top.add_argument("--debug", action="store_true", help="show the stack of an error instead of one line")
    sub = top.add_subparsers(dest="verb", required=True)
    _run_parser(sub)
    _consolidate_parser(sub)
    _sweep_parser(sub)
    return top


def check_device(device: str) -> str:
    """``device`` if torch can train on it here: ``cpu``, or ``cuda``/``cuda:N`` with that GPU visible.

    Examples
    --------
    >>> check_device("cpu")
    'cpu'
    >>> check_device("tpu")
    Traceback (most recent call last):
    ...
    nascompanion.train.cli.UsageError: --device 'tpu': allowed are cpu, cuda and cuda:N
    """
    try:
        kind = torch.device(device)
    except (RuntimeError, ValueError):
        kind = None
    if kind is None or kind.type not in ("cpu", "cuda"):
        raise UsageError(f"--device {device!r}: allowed are cpu, cuda and cuda:N")
    if kind.type == "cuda" and not torch.cuda.is_available():
        raise UsageError(f"--device {device}: no GPU is visible here (torch.cuda.is_available() is False); "
                         "use --device cpu")
    if kind.type == "cuda" and kind.index is not None and kind.index >= torch.cuda.device_count():
        raise UsageError(f"--device {device}: allowed are cuda:0..cuda:{torch.cuda.device_count() - 1} here")
    return device


def check_writable(option: str, path: Path, folder: bool = True) -> Path:
    """``path`` if it is (or can be created as) a writable folder, or a writable file's path if not ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as handle:
    ...     check_writable("--out", Path(handle.name) / "chunks")
    Traceback (most recent call last):
    ...
    nascompanion.train.cli.UsageError: --out ...: ... is a file, not a folder
    """
    target = path if folder else path.parent
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise UsageError(f"{option} {path}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{option} {path}: cannot write in {existing}")
    if not folder and path.is_dir():
        raise UsageError(f"{option} {path}: is a folder, not a file")
    return path


def check_range(start: int, stop: int) -> None:
    """Refuse a range of cells whose ``--stop`` is not above its ``--start``."""
    if stop <= start:
        raise UsageError(f"--stop {stop} must be greater than --start {start} (cells start..stop-1)")


def _run(args: argparse.Namespace) -> int:
    check_range(args.start, args.stop)
    setting = SETTINGS[args.setting]
    room = N_IMAGES - setting.split.n_val - setting.split.n_test
    if args.n_train is not None and args.n_train > room:
        raise UsageError(f"--n-train {args.n_train}: allowed 2..{room} in setting {args.setting} "
                         f"({setting.split.n_val} validation and {setting.split.n_test} test images of {N_IMAGES})")
    check_device(args.device)
    out = check_writable("--out", args.out)
    chunks = grid.plan(args.pipelines, args.seeds, args.chunk, args.start, args.stop)
    setting = grid.override(setting, args.epochs, args.width, args.n_train)
    if out.is_dir():
        grid.check_settings(out, setting)
    spec = engine.TrainerSpec(setting, args.device, args.autocast, args.conv, not args.nondeterministic, args.threads)
    t0 = time.perf_counter()
    done = engine.run(out, chunks, spec, args.workers, args.scheduler, args.time_limit)
    left = sum(grid.read_chunk(out / c.file_name) is None for c in chunks)
    print(f"trained {len(done)} chunks in {time.perf_counter() - t0:.0f} s; {left} of {len(chunks)} left")
    return 0


def _consolidate(args: argparse.Namespace) -> int:
    check_range(args.start, args.stop)
    dest = check_writable("--dest", args.dest)
    if args.setting is not None:
        grid.check_settings(args.out, SETTINGS[args.setting])
    chunks = grid.plan(args.pipelines, args.seeds, args.chunk, args.start, args.stop)
    manifest = grid.consolidate(args.out, dest, command=args.command or " ".join([PROG, *args.argv]),
                                chunks=chunks, overwrite=args.replace)
    print(json.dumps({k: manifest[k] for k in ("counts", "discriminativeness_iqr_over_median_seed_sd")}))
    return 0


def _sweep(args: argparse.Namespace) -> int:
    check_device(args.device)
    if args.json is not None:
        check_writable("--json", args.json, folder=False)
    candidates = [grid.parse_candidate(c) for c in args.candidates.split(";")]
    done: list[dict] = []

    def keep(record: dict) -> None:  # write after every record, so a stopped sweep keeps what it measured
        done.append(record)
        if args.json:
            args.json.write_text(json.dumps(done, indent=1) + "\n")

    grid.sweep(candidates, args.n_archs, args.device, time_limit=args.time_limit, conv=args.conv,
               autocast=args.autocast, pipelines=args.pipelines, on_record=keep)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"run": _run, "consolidate": _consolidate, "sweep": _sweep}
"""What each verb does with its parsed arguments."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; an expected failure prints one line naming the input and returns 2.

    Expected failures are bad arguments, refused data (:class:`ValueError`) and
    files or connections that fail (:class:`OSError`); with ``--debug`` they
    raise instead, showing the stack.

    Examples
    --------
    >>> main(["run", "--out", "chunks", "--epochs", "0"])  # prints the error on stderr
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(argv)
        args.argv = argv  # recorded in the manifest as the command that consolidated it
    except UsageError as err:
        verb = next((word for word in argv if word in COMMANDS), None)
        print(f"{PROG}{' ' + verb if verb else ''}: error: {err}", file=sys.stderr)
        return 2
    try:
        return COMMANDS[args.verb](args)
    except (ValueError, OSError) as err:
        if args.debug:
            raise
        print(f"{PROG} {args.verb}: error: {err}", file=sys.stderr)
        return 2
