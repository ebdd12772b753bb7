"""``python -m nascompanion.train``: the digits grid's command line (:mod:`nascompanion.train.cli`)."""

from nascompanion.train.cli import main

raise SystemExit(main())
