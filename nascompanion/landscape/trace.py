"""One local search traced step by step: the cells it stood at and what each step cost."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nascompanion.search.history import History


def trace_table(history: History, path: np.ndarray, space, validation: np.ndarray) -> pd.DataFrame:
    """Each cell :math:`v_i` a run stood at: its key, its validation loss and the distinct queries made
    once its neighbourhood was evaluated.

    Parameters
    ----------
    history
        The search (its ``parent`` array says which query expanded which cell).
    path
        The cells of one run in order (``history.run_path(k)``).
    space
        The space searched (its ``key`` names a cell).
    validation
        Validation loss of every cell.

    Returns
    -------
    pandas.DataFrame
        Indexed ``step i (v_i)`` from 1; columns ``architecture``, ``validation loss`` (3 decimals)
        and ``queries so far`` ("no new query" where the neighbourhood held nothing new).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> h = SimpleNamespace(parent=np.array([-1, 0, 0, 1]))
    >>> space = SimpleNamespace(key=lambda v: f"cell {v}")
    >>> trace_table(h, np.array([0, 1, 3]), space, np.array([0.5, 0.4, 0.3, 0.2]))["queries so far"].tolist()
    [3, 4, 'no new query']
    """
    queried = [int(np.flatnonzero(history.parent == v)[-1]) + 1 if (history.parent == v).any()
               else "no new query" for v in path]
    return pd.DataFrame({
        "architecture": [space.key(v) for v in path],
        "validation loss": np.asarray(validation)[path].round(3),
        "queries so far": queried,
    }, index=pd.RangeIndex(1, len(path) + 1, name="step i (v_i)"))
