"""What makes a result of the comparison: one algorithm's searches on one setting, and what keys them.

The quick algorithms run every trial at once (:func:`run_algorithm`); the model-based
ones (:data:`~nascompanion.compare.store.STORED`) run in blocks of trials with a stream of
their own (:func:`run_block`), whose query histories are stored. A result is keyed by
the digest of the code it depends on (:func:`code_digest`), the setting's fields and the
data's checksums.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import asdict
from functools import lru_cache

import numpy as np

from nascompanion.compare import contenders, experiment, store
from nascompanion.compare.contenders import Setting, algorithm_config
from nascompanion.compare.experiment import ALGORITHMS, block_stream, landscapes, streams
from nascompanion.objectives import TrialLosses, loss, noise_scale, versions, views
from nascompanion.results import keys
from nascompanion.search import candidates, history, lockstep_best_first, predictor, query_log, registry
from nascompanion.spaces import graph_nas, named, nb201, nb201_space, table
from nascompanion.spaces.table import TableSpace

CACHE_VERSION = 2
"""Version of the comparison cache's key."""


def space_or_default(space: TableSpace | None) -> TableSpace:
    """``space``, or NAS-Bench-201's where none is given (every stored history is on NAS-Bench-201)."""
    return nb201_space() if space is None else space


def run_algorithm(algorithm: str, losses: TrialLosses, setting: Setting, rng: np.random.Generator,
                  space: TableSpace | None = None, which: str = "test") -> np.ndarray:
    """Best-so-far ``which``-loss curves, shape ``(trials, budget)``, of one algorithm on ``losses``."""
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; allowed: {', '.join(ALGORITHMS)}")
    result = registry.run(algorithm, space_or_default(space), losses, setting.budget, rng,
                          **algorithm_config(algorithm, setting))
    return result.curves(which)


def quick_curves(algorithm: str, losses: TrialLosses, setting: Setting, space: TableSpace | None = None,
                 which: str = "test") -> np.ndarray:
    """The curves of a quick algorithm: every trial at once, on the algorithm's own stream of ``setting``."""
    rng = np.random.default_rng(streams(setting)[1][algorithm])
    return run_algorithm(algorithm, losses, setting, rng, space=space, which=which)


def run_block(benchmark, setting: Setting, algorithm: str, index: int, size: int,
              losses: TrialLosses | None = None, space: TableSpace | None = None) -> store.Block:
    """Run trials ``index * BLOCK`` to ``index * BLOCK + size - 1`` of ``algorithm`` with the block's own stream.

    A block's landscapes are those trials' rows of the setting's landscapes (drawn in
    trial order, so they do not depend on the trial count) and its random stream is
    derived from the algorithm's stream and ``index`` alone: the block's history is the
    same in a run of any number of trials. ``losses`` (the setting's landscapes for at
    least those trials) saves drawing them again; ``space`` defaults to NAS-Bench-201's.
    """
    first = index * store.BLOCK
    if not 0 < size <= store.BLOCK or index < 0:
        raise ValueError(f"block {index} of size {size}: need index >= 0 and 1 <= size <= {store.BLOCK}")
    losses = landscapes(benchmark, setting, first + size) if losses is None else losses
    rows = slice(first, first + size)
    part = TrialLosses(losses.validation[rows], losses.test[rows])
    rng = np.random.default_rng(block_stream(setting, algorithm, index))
    result = registry.run(algorithm, space_or_default(space), part, setting.budget, rng,
                          **algorithm_config(algorithm, setting))
    return store.Block(result.archs.astype(np.int16), result.counts.astype(np.int16))


@lru_cache(maxsize=None)
def code_digest(algorithm: str) -> str:
    """Digest of the code a result of ``algorithm`` depends on, so a changed algorithm's results are never
    reused: its module (for local search also its lockstep walk, for BANANAS its predictor), the query log,
    result and candidate code, the objectives (not their chapter tables), the spaces, the experiment and the algorithms' knobs, and what runs it
    (:func:`run_block` for the stored algorithms); other edits, e.g. to tables, figures or the store's file
    format checks, keep the cache and the store.

    Examples
    --------
    >>> code_digest("evolution") == code_digest("evolution_requery") != code_digest("bananas")
    True
    """
    module = inspect.getmodule(registry.get(algorithm).function)
    runs = {"local_search": {lockstep_best_first}, "bananas": {predictor}}.get(algorithm, set())   # beside its module
    objective = {loss, noise_scale, versions, views}
    found = {module, *runs, candidates, history, query_log, *objective, nb201, graph_nas, table}
    modules = sorted(found, key=lambda m: m.__name__)
    runner = [run_block] if algorithm in store.STORED else [run_algorithm, quick_curves]   # what makes its history
    return keys.code_digest([*modules, experiment, contenders, *runner], length=16)


def _space_field(space: TableSpace | None) -> dict:
    """The space a payload names: nothing for NAS-Bench-201 (every stored payload is on it), else its name."""
    return {} if space is None or space.name == "nb201" else {"space": space.name}


def cache_key(setting: Setting, algorithm: str, checksums: dict, space: TableSpace | None = None) -> str:
    """The name of a quick algorithm's cached curves: the code digest, every field of ``setting``, the data."""
    return keys.payload_key({"v": CACHE_VERSION, "code": code_digest(algorithm), "setting": asdict(setting),
                             "algorithm": algorithm, "data": sorted(checksums.items()), **_space_field(space)})


def store_payload(setting: Setting, algorithm: str, checksums: dict, space: TableSpace | None = None) -> dict:
    """What a stored history of ``algorithm`` under ``setting`` is keyed by (every field but the trial count;
    the space where it is not NAS-Bench-201's)."""
    fields = {k: v for k, v in asdict(setting).items() if k != "trials"}
    return {"format": store.FORMAT, "code": code_digest(algorithm), "setting": fields, "algorithm": algorithm,
            "data": sorted(checksums.items()), "block": store.BLOCK, **_space_field(space)}


def stored_space(payload: dict) -> TableSpace:
    """The space a stored ``payload``'s histories were searched in: NAS-Bench-201's, or one of
    NAS-Bench-Graph's (:func:`~nascompanion.spaces.named.space_named`).

    Raises
    ------
    ValueError
        If it names a space the comparison cannot rebuild by name.

    Examples
    --------
    >>> stored_space({}).name
    'nb201'
    >>> stored_space({"space": "nas-bench-graph-proteins"}).size
    2021
    >>> stored_space({"space": "graph"})
    Traceback (most recent call last):
    ...
    ValueError: stored histories on space 'graph'; allowed: nb201, nas-bench-graph-full, nas-bench-graph-proteins
    """
    name = payload.get("space", "nb201")
    if name not in named.BUILDERS:
        raise ValueError(f"stored histories on space {name!r}; allowed: {', '.join(named.BUILDERS)}")
    return named.space_named(name)


def setting_of(payload: dict, trials: int) -> Setting:
    """The :class:`Setting` of ``trials`` trials that a stored ``payload`` records.

    Examples
    --------
    >>> setting_of({"setting": {"dataset": "d", "version": "denoised"}}, 25).trials
    25
    """
    return Setting(trials=trials, **payload["setting"])


def payload_json(payload: dict) -> dict:
    """``payload`` as it reads back from a stored file (JSON, keys sorted)."""
    return json.loads(json.dumps(payload, sort_keys=True))
