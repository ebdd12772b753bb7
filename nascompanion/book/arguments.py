"""The ``nascompanion`` command's arguments: one parser, whose errors are one line.

>>> build_parser().parse_args(["store", "check", "--per-algorithm", "all"]).per_algorithm is None
True
>>> build_parser().parse_args(["store", "check", "--per-algorithm", "-1"])
Traceback (most recent call last):
...
nascompanion.book.arguments.UsageError: nascompanion store check: error: argument --per-algorithm: -1 is not allowed; allowed: a positive count, or all
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from nascompanion.book import runner as book
from nascompanion.book.notebook import SCALES
from nascompanion.config import THREADS_ENV


class UsageError(Exception):
    """A command line the parser refuses; the message is the one line to print (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises :class:`UsageError` (one line, no usage block) instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {' '.join(message.split())}")


def positive_int(text: str) -> int:
    """``text`` as a positive integer, else an argument error saying what is allowed."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text} is not allowed; allowed: a positive integer")
    return int(text)


def count_or_all(text: str) -> int | None:
    """A positive count, or ``all`` (``None``); ``-1`` and the like are refused, never read as "all but one"."""
    if text == "all":
        return None
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text} is not allowed; allowed: a positive count, or all")
    return int(text)


def _debug_flag(default: object) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--debug", action="store_true", default=default,
                        help="show the full stack of an error instead of one line")
    return parent


_THREADS_HELP = f"threads of the numeric libraries in each chapter run (default: ${THREADS_ENV}, else 1)"


def _data_commands(sub: argparse._SubParsersAction, common: list) -> None:
    data = sub.add_parser("data", help="inspect benchmark data", parents=common)
    data_sub = data.add_subparsers(dest="data_command", required=True)
    check = data_sub.add_parser("check", help="print what data is available and what it supports", parents=common)
    check.add_argument("--source", help="file, folder (CSV tables, an official .pth, a NATS-Bench tss folder) "
                       "or named source (nb201, digits201); default: the configured one")
    check.add_argument("--trust-modified", action="store_true",
                       help="read source files whose md5 differs from the published one (recorded in the provenance)")
    embed = data_sub.add_parser("embed", help="rebuild the NAS-Bench-201 tables that ship with the package",
                                parents=common)
    embed.add_argument("--from", dest="folder", type=Path, required=True, help="folder with the NB201 CSV tables")
    embed.add_argument("--dest", type=Path, help="output folder (default: the package's nascompanion/data/nb201)")
    embed.add_argument("--trust-modified", action="store_true",
                       help="embed tables whose md5 differs from the published one (recorded in the manifest)")


def _book_commands(sub: argparse._SubParsersAction, common: list) -> None:
    build = sub.add_parser("book", help="execute every chapter and render the HTML book", parents=common)
    build.add_argument("--scale", default="paper", choices=SCALES)
    build.add_argument("--no-execute", action="store_true", help="only render already executed chapters")
    build.add_argument("--recompute", action="store_true",
                       help="ignore the stored histories of the model-based searches and every cached result (slow)")
    build.add_argument("--threads", type=positive_int, help=_THREADS_HELP)
    where = build.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help="compute the model-based searches' missing blocks on a local dask cluster of N processes")
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="compute them on the running dask cluster whose scheduler is at ADDRESS")
    run = sub.add_parser("run", help="execute one chapter with papermill parameters", parents=common)
    run.add_argument("chapter", help=f"one of: {', '.join(book.CHAPTERS)}")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="a parameter of the chapter, read as the type it declares (data: a path or a named source)")
    run.add_argument("-o", "--output", type=Path, help="executed notebook (default book/chapters/CHAPTER.ipynb)")
    run.add_argument("--threads", type=positive_int, help=_THREADS_HELP)
    execute = sub.add_parser("execute", help="execute every chapter at a scale into a folder (no rendering)",
                             parents=common)
    execute.add_argument("--scale", default="smoke", choices=SCALES)
    execute.add_argument("--output-dir", type=Path, required=True)
    execute.add_argument("--threads", type=positive_int, help=_THREADS_HELP)


def _store_commands(sub: argparse._SubParsersAction, common: list) -> None:
    stored = sub.add_parser("store", help="the stored histories of the model-based searches the book is built from",
                            parents=common)
    store_sub = stored.add_subparsers(dest="store_command", required=True)
    update = store_sub.add_parser("update", help="rerun the chapters that use the store at paper scale, adding "
                                  "what is missing to the shipped store and removing what they no longer use",
                                  parents=common)
    update.add_argument("--recompute", action="store_true", help="compute every entry again, reusing none")
    update.add_argument("--chapters", nargs="+", default=list(book.STORE_CHAPTERS), metavar="CHAPTER")
    where = update.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_int, default=None, metavar="N",
                       help="compute missing blocks on a local dask cluster of N processes, one thread each "
                            "(default: in each chapter, or $NASCOMPANION_WORKERS local processes)")
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="compute missing blocks on the running dask cluster whose scheduler is at ADDRESS "
                            "(its workers must import nascompanion and see the store's folder, else this "
                            "process writes what they compute)")
    update.add_argument("--threads", type=positive_int, help=_THREADS_HELP)
    replay = store_sub.add_parser("check", help="recompute stored blocks and compare them with the store",
                                  parents=common)
    replay.add_argument("--per-algorithm", type=count_or_all, default=1,
                        help="blocks of each algorithm: a positive count, or all (default 1)")
    replay.add_argument("--seed", type=int, default=0)
    replay.add_argument("--folder", type=Path, help="the store to check (default: the one shipped in the package)")
    rekey = store_sub.add_parser("rekey", help="move stale blocks to the current code's key where the code installed "
                                 "now recomputes them identically (python -m nascompanion.compare.rekey)", parents=common)
    rekey.add_argument("--folder", type=Path, help="the store (default: the one shipped in the package)")
    rekey.add_argument("--dry-run", action="store_true", help="replay and report, write nothing")
    rekey.add_argument("--prefix", action="append", default=[], metavar="ALGORITHM=N",
                       help="prove ALGORITHM's blocks on the first N queries of every trial")
    rekey.add_argument("--algorithm", action="append", help="only this stored algorithm's blocks (repeatable)")
    rekey.add_argument("--limit", type=positive_int, help="prove at most N stale blocks")
    rekey.add_argument("--list", action="store_true", help="name the stale blocks, replay nothing")


def build_parser() -> argparse.ArgumentParser:
    """The parser of the ``nascompanion`` command (``--debug`` before or after the command)."""
    parser = _Parser(prog="nascompanion", parents=[_debug_flag(False)],
                     description="Data check, book build, one chapter with parameters.")
    sub = parser.add_subparsers(dest="command", required=True)
    common = [_debug_flag(argparse.SUPPRESS)]
    _data_commands(sub, common)
    _book_commands(sub, common)
    _store_commands(sub, common)
    return parser
