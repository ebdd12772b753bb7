"""Small helpers the book's notebooks share: parameter checks, scales and glue."""

from __future__ import annotations

from typing import Any, Sequence, TypeVar

from nascompanion.compare import store

T = TypeVar("T")

SCALES: tuple[str, ...] = ("smoke", "paper")
"""``smoke`` runs a notebook in seconds (tests); ``paper`` is the published run."""


def check_choice(name: str, value: T, allowed: Sequence[T]) -> T:
    """Return ``value`` if it is one of ``allowed``, else raise a ``ValueError`` listing them."""
    if value not in allowed:
        raise ValueError(f"parameter {name}={value!r} is not allowed; choose one of: {', '.join(map(repr, allowed))}")
    return value


def check_range(name: str, value: float, low: float | None = None, high: float | None = None) -> float:
    """Return ``value`` if ``low <= value <= high``, else raise a ``ValueError`` naming the range."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"parameter {name}={value!r} must be a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"parameter {name}={value!r} is outside [{low}, {high}]")
    return value


def by_scale(scale: str, smoke: T, paper: T) -> T:
    """The setting for ``scale``: ``smoke`` or ``paper``."""
    check_choice("scale", scale, SCALES)
    return smoke if scale == "smoke" else paper


def glue(name: str, value: Any, display: bool = False) -> None:
    """Record ``value`` for the book's ``{glue:text}`` roles.

    Returns ``None`` on purpose: a cell ending in ``glue(...)`` then shows
    nothing, with no trailing ``;`` (which nbval's re-execution does not honour).
    NumPy scalars are stored as Python numbers, so format specs such as
    ``{glue:text}`name:.2f``` work on them. Outside a notebook build (no
    ``myst_nb``: plain Jupyter, Colab), nothing is recorded, but a value
    meant to be read as Markdown (the chapter's result box) is shown where it
    is glued, so such a reader still sees it.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    try:
        from myst_nb import glue as _glue
    except ImportError:  # the book extras are not installed
        if hasattr(value, "_repr_markdown_"):
            from IPython.display import display as _display

            _display(value)
        return
    _glue(name, value, display=display)


def apply_run_settings(store_mode: str = "use", store_log: str | None = None) -> None:
    """Apply a run's settings inside the chapter's kernel (the runner's hidden cell calls this).

    ``store_mode`` and ``store_log`` arrive as papermill parameters: where the stored histories are read
    and written (:data:`nascompanion.compare.store.MODES`) and the file that lists each stored file used.
    They are handed to :func:`nascompanion.compare.store.use` in the kernel's own process.

    Raises
    ------
    ValueError
        If ``store_mode`` is not a store mode.

    Examples
    --------
    >>> apply_run_settings("sometimes")
    Traceback (most recent call last):
    ...
    ValueError: store_mode='sometimes'; allowed: use, recompute, update, rewrite
    """
    if store_mode not in store.MODES:
        raise ValueError(f"store_mode={store_mode!r}; allowed: {', '.join(store.MODES)}")
    store.use(store_mode, store_log)
