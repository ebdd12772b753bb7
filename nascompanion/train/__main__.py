"""``python -m nascompanion.train``: the digits grid's command line (:mod:`nascompanion.train.cli`)."""

from nascompanion.train.cli import main

if __name__ == "__main__":  # only when run, never when imported (e.g. by doctest collection)
    raise SystemExit(main())
