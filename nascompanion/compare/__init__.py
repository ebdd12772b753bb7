"""NAS algorithms head to head: settings, common random numbers and the cache
(:mod:`~nascompanion.compare.run`), and their figures (:mod:`~nascompanion.compare.plots`)."""
