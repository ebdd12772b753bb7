"""Move stored blocks to the current code's key after a change that is proven not to alter them.

A stored block is keyed by the digest of the code its history depends on
(:func:`~nascompanion.compare.run.store_payload`), so any edit of that code, a
comment included, makes it stale. Where the edit cannot change a history (a new
check of arguments, a comment), recomputing the store is hours of work for
nothing; :func:`rekey` instead recomputes each stale block with the code installed
now, from the block's own setting and stream, compares it with what is stored, and
only where they are identical writes it under the current key, recording the old
digest and what proved the equality. A block that differs is reported and left
where it is, stale and never used.

What is compared:

``full replay``
    the whole history, for a search whose history depends on its random stream
    alone (BO, ANASOD-BO) or a torch-trained one (BANANAS) stored on this platform;
``replay of the first N queries of every trial``
    for a torch-trained search stored on another platform, where only the
    queries before its first predictor fit are promised to come out the same
    (:func:`~nascompanion.compare.replay.replay`); or, for any algorithm, when
    a shorter replay is asked for (``prefixes``; only for the searches in
    :data:`LOCKSTEP`).

Run ``python -m nascompanion.compare.rekey`` (``--dry-run`` replays and reports
but writes nothing).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping

import numpy as np

from nascompanion.compare import replay, store
from nascompanion.data import load_benchmark
from nascompanion.data.analognas import load_analognas
from nascompanion.compare.searches import code_digest, payload_json, run_block, setting_of, store_payload, stored_space
from nascompanion.search import registry


LOCKSTEP: tuple[str, ...] = ("bo", "bananas")
"""Stored algorithms that run every trial of a block at once on one stream: their first ``N`` queries do not
depend on the budget, so replaying ``N`` of them proves those. ANASOD-BO runs its trials one after another on
one stream (a shorter trial leaves the next one another stream), so only a full replay proves its blocks."""


@dataclass(frozen=True)
class Outcome:
    """What became of one stale block: ``status`` is ``"rekeyed"`` (or ``"proven"`` in a dry run),
    ``"differs"`` or ``"skipped"``; ``proof`` says what was compared, ``seconds`` how long the replay took."""

    block: replay.StoredBlock
    status: str
    proof: str
    seconds: float = 0.0

    def line(self) -> str:
        """One line for a report."""
        b = self.block
        return (f"{b.algorithm} {b.path.name} block {b.index} ({b.size} trials): {self.status}, "
                f"{self.proof} ({self.seconds:.1f} s)")


def stale(blocks: list[replay.StoredBlock]) -> list[replay.StoredBlock]:
    """The blocks whose code digest is not that of the code installed now.

    Examples
    --------
    >>> stale([])
    []
    """
    return [b for b in blocks if b.payload.get("code") != code_digest(b.algorithm)]


def _setting(block: replay.StoredBlock):
    return setting_of(block.payload, block.index * store.BLOCK + block.size)


def current_payload(block: replay.StoredBlock, checksums: Mapping[str, str]) -> dict:
    """The payload ``block`` would be stored under by the code installed now.

    Raises
    ------
    ValueError
        If it differs from the stored one in anything but the code digest (another setting or data).
    """
    space = stored_space(block.payload)
    payload = payload_json(store_payload(_setting(block), block.algorithm, dict(checksums), space))
    if {k: v for k, v in payload.items() if k != "code"} != {k: v for k, v in block.payload.items() if k != "code"}:
        raise ValueError(f"{block.path.name}: stored for another setting or data than its fields now describe")
    return payload


def _plan(block: replay.StoredBlock, stored: store.Block, prefixes: Mapping[str, int]) -> tuple[int, bool]:
    """How many queries to replay, and whether a difference beyond the random prefix is tolerated
    (a torch-trained history stored on another platform)."""
    budget = int(block.payload["setting"]["budget"])
    found = registry.get(block.algorithm)
    foreign = bool(found.platform) and stored.platform != found.platform()
    if foreign:
        return min(budget, prefixes.get(block.algorithm, replay.random_prefix(block.algorithm))), True
    return min(budget, prefixes.get(block.algorithm, budget)), False


def first_differences(a: store.Block, b: store.Block) -> np.ndarray:
    """Per trial, the index of the first query in which ``a`` and ``b`` differ (their width where they agree).

    Examples
    --------
    >>> x = store.Block(np.array([[1, 2, 3], [4, 5, 6]], np.int16), np.array([3, 3], np.int16))
    >>> y = store.Block(np.array([[1, 2, 9], [4, 5, 6]], np.int16), np.array([3, 3], np.int16))
    >>> first_differences(x, y).tolist(), int(first_differences(x, x).min())
    ([2, 3], 3)
    """
    width = a.archs.shape[1]
    made_a = np.arange(width) < a.counts[:, None]
    made_b = np.arange(width) < b.counts[:, None]
    differ = (a.archs != b.archs) | (made_a != made_b)
    return np.where(differ.any(axis=1), differ.argmax(axis=1), width)


def prove(block: replay.StoredBlock, benchmark, prefixes: Mapping[str, int] | None = None) -> tuple[str | None, str]:
    """Recompute ``block`` with the code installed now and compare it with what is stored.

    Returns ``(proof, detail)``: ``proof`` names what was shown identical (``None``: the block differs,
    ``detail`` says where).
    """
    setting = _setting(block)
    space = stored_space(block.payload)
    stored = store.read_blocks(block.path, block.payload, setting.budget, space.size).get(block.index)
    if stored is None:
        return None, "the stored block is damaged"
    width, foreign = _plan(block, stored, prefixes or {})
    again = run_block(benchmark, replace(setting, budget=width), block.algorithm, block.index, block.size, space=space)
    want = store.Block(stored.archs[:, :width], np.minimum(stored.counts, width))
    firsts = first_differences(again, want)
    shared = int(firsts.min())
    if shared == setting.budget:
        return "full replay", ""
    if shared == width or (foreign and shared >= replay.random_prefix(block.algorithm)):
        where = f", stored on {stored.platform or 'an unnamed platform'}" if foreign else ""
        return f"replay of the first {shared} queries of every trial{where}", ""
    trial = int(np.argmin(firsts))
    return None, f"query {shared + 1} of trial {block.index * store.BLOCK + trial} differs"


def _record(stored: store.Block, old_code: str, proof: str) -> str:
    record = {"from": old_code, "proved_by": proof}
    if stored.rekeyed:
        record["earlier"] = json.loads(stored.rekeyed)
    return json.dumps(record, sort_keys=True)


def rekey_file(blocks: list[replay.StoredBlock], benchmark, prefixes: Mapping[str, int] | None = None,
               dry_run: bool = False, report: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Prove and move the stale ``blocks`` of one file (see :func:`rekey`)."""
    first = blocks[0]
    payload = current_payload(first, benchmark.provenance.checksums)
    budget, n_archs = int(first.payload["setting"]["budget"]), stored_space(first.payload).size
    stored = store.read_blocks(first.path, first.payload, budget, n_archs)
    target = store.path_for(first.path.parent, first.algorithm, payload)
    moved = store.read_blocks(target, payload, budget, n_archs)
    outcomes = []
    for block in blocks:
        start = time.perf_counter()
        if block.index in moved and moved[block.index].rekeyed:   # proven by an earlier, stopped run
            proof, detail = json.loads(moved[block.index].rekeyed)["proved_by"], ""
        else:
            proof, detail = prove(block, benchmark, prefixes)
        status = "differs" if proof is None else ("proven" if dry_run else "rekeyed")
        outcome = Outcome(block, status, proof or detail, time.perf_counter() - start)
        if proof is not None and block.index not in moved:
            record = _record(stored[block.index], first.payload["code"], proof)
            moved[block.index] = replace(stored[block.index], rekeyed=record)
            if not dry_run:   # each proven block as it is done: a stopped run keeps what it finished
                store.write_blocks(target, payload, moved)
        outcomes.append(outcome)
        if report:
            report(outcome)
    if not dry_run and all(o.status == "rekeyed" for o in outcomes) and set(stored) <= set(moved):
        first.path.unlink()   # every block now lives under the current key
    return outcomes


def rekey(folder: Path | None = None, loaders: Mapping[str, Callable] | None = None,
          prefixes: Mapping[str, int] | None = None, dry_run: bool = False,
          report: Callable[[Outcome], None] | None = None, algorithms: tuple[str, ...] = store.STORED,
          limit: int | None = None) -> list[Outcome]:
    """Move every stale block of the store ``folder`` (default: the shipped store) that the code installed
    now reproduces to the current key.

    Parameters
    ----------
    folder
        The store.
    loaders
        Benchmark loaders (name -> loader); a block is replayed on the first whose checksums are its own.
        Default: the NAS-Bench-201 tables and AnalogNAS.
    prefixes
        Algorithm -> number of queries to replay instead of the whole history (a faster, weaker proof).
    dry_run
        Replay and report, write nothing.
    report
        Called with each :class:`Outcome` as it is known.
    algorithms
        Rekey only these algorithms' blocks.
    limit
        Prove at most this many stale blocks (the first, in file and block order, that no earlier run moved;
        ``None``: all).

    A file whose every block is proven is replaced by one under the current key; a
    file with a block that differs is left whole (its proven blocks are also written
    under the current key). A block is never rewritten unless proven, and a block an
    earlier, stopped run already moved is not replayed again.
    """
    not_lockstep = sorted(set(prefixes or {}) - set(LOCKSTEP))
    if not_lockstep:
        raise ValueError(f"prefixes for {', '.join(not_lockstep)}: a shorter replay proves only the blocks of "
                         f"{', '.join(LOCKSTEP)} (their trials run in lockstep)")
    loaders = default_loaders() if loaders is None else loaders
    by_file: dict[Path, list[replay.StoredBlock]] = {}
    found = stale_blocks(folder, algorithms)
    for block in found if limit is None else [b for b in found if not _moved(b)][:limit]:
        by_file.setdefault(block.path, []).append(block)
    outcomes: list[Outcome] = []
    for path, blocks in by_file.items():
        benchmark = replay.benchmark_for(blocks[0].payload, loaders)
        why = "no benchmark here has its data checksums" if benchmark is None else None
        if benchmark is not None:
            try:
                current_payload(blocks[0], benchmark.provenance.checksums)
            except ValueError as err:
                why = str(err)
        if why is None:
            outcomes += rekey_file(blocks, benchmark, prefixes, dry_run, report)
            continue
        for block in blocks:
            outcomes.append(Outcome(block, "skipped", why))
            if report:
                report(outcomes[-1])
    return outcomes


def stale_blocks(folder: Path | None = None, algorithms: tuple[str, ...] = store.STORED) -> list[replay.StoredBlock]:
    """The stale blocks of ``algorithms`` in the store ``folder`` (default: the shipped store), in file and
    block order: what :func:`rekey` would prove."""
    return [b for b in stale(replay.stored_blocks(folder)) if b.algorithm in algorithms]


def _moved(block: replay.StoredBlock) -> bool:
    """Whether ``block`` already lies, proven, under the current key (an earlier run moved it)."""
    payload = payload_json({**block.payload, "code": code_digest(block.algorithm)})
    target = store.path_for(block.path.parent, block.algorithm, payload)
    if not target.exists():
        return False
    moved = store.read_blocks(target, payload, int(payload["setting"]["budget"]), stored_space(payload).size)
    return block.index in moved and bool(moved[block.index].rekeyed)


def default_loaders() -> dict[str, Callable]:
    """The benchmarks the shipped store was computed on: the NAS-Bench-201 tables, AnalogNAS and NAS-Bench-Graph."""
    return {"nb201": lambda: load_benchmark("nb201"), "analognas": load_analognas,
            "nas-bench-graph": lambda: load_benchmark("nas-bench-graph")}


def _prefix(text: str) -> tuple[str, int]:
    name, _, count = text.partition("=")
    if not count.isdigit() or int(count) < 1:
        raise ValueError(f"--prefix {text!r}: expected ALGORITHM=N with N a positive integer")
    if name not in LOCKSTEP:
        raise ValueError(f"--prefix {text!r}: algorithm must be one of {', '.join(LOCKSTEP)} (whose trials run in "
                         f"lockstep, so a prefix of their queries does not depend on the budget)")
    return name, int(count)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m nascompanion.compare.rekey", description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, help="store folder (default: the shipped store)")
    parser.add_argument("--dry-run", action="store_true", help="replay and report, write nothing")
    parser.add_argument("--list", action="store_true", help="name the stale blocks, replay nothing")
    parser.add_argument("--limit", type=_positive, metavar="N", help="prove at most N stale blocks (the first ones)")
    parser.add_argument("--prefix", action="append", default=[], metavar="ALGORITHM=N",
                        help="replay only the first N queries of every trial of ALGORITHM's blocks")
    parser.add_argument("--algorithm", action="append", choices=store.STORED,
                        help="rekey only this algorithm's blocks (repeatable; default: every stored algorithm)")
    return parser


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"--limit {text!r}: expected a positive integer")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Command line: rekey the shipped store (or ``--folder``); exit 1 if any block differs or was skipped."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        prefixes = dict(_prefix(text) for text in args.prefix)
    except ValueError as err:
        parser.error(str(err))
    algorithms = tuple(args.algorithm or store.STORED)
    if args.list:
        found = stale_blocks(args.folder, algorithms)[:args.limit]
        for b in found:
            print(f"{b.algorithm} {b.path.name} block {b.index} ({b.size} trials): stale")
        print(f"{len(found)} stale blocks")
        return 0
    outcomes = rekey(args.folder, prefixes=prefixes, dry_run=args.dry_run, report=lambda o: print(o.line(), flush=True),
                     algorithms=algorithms, limit=args.limit)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("rekeyed", "proven", "differs", "skipped")}
    print(f"{len(outcomes)} stale blocks: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    return 1 if counts["differs"] or counts["skipped"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
