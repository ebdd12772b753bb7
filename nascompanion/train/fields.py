"""Checks of the integer fields of the training configs, with one wording for every config."""

from __future__ import annotations


def require_int(owner: str, name: str, value: object, minimum: int) -> None:
    """Raise unless ``value`` is an integer (not a bool) of at least ``minimum``.

    Parameters
    ----------
    owner, name
        The config class and field, named in the error (``"Split"``, ``"n_train"``).
    value
        The field's value.
    minimum
        The smallest value allowed.

    Raises
    ------
    ValueError
        ``"{owner}.{name} must be an integer >= {minimum}, got {value!r}"``.

    Examples
    --------
    >>> require_int("Split", "n_val", 400, 2)
    >>> require_int("Split", "n_val", 1, 2)
    Traceback (most recent call last):
    ...
    ValueError: Split.n_val must be an integer >= 2, got 1
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{owner}.{name} must be an integer >= {minimum}, got {value!r}")
