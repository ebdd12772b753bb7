"""What the package keeps on disk: one code digest (:mod:`~nascompanion.results.keys`), one atomic writer
(:mod:`~nascompanion.results.atomic`) and one keyed, validated ``.npz`` store with explicit modes
(:mod:`~nascompanion.results.store`), used by the comparison's cache and stored histories, the data cache
and the supernet's proxy tables."""
