"""Search spaces: architectures as integers, neighbours as a table."""

from nascompanion.spaces.base import TableSpace, nb201_space

__all__ = ["TableSpace", "nb201_space"]
