"""NAS algorithms head to head: the experiment (:mod:`~nascompanion.compare.experiment`), the algorithms'
knobs (:mod:`~nascompanion.compare.contenders`), what makes and keys a result
(:mod:`~nascompanion.compare.searches`), one setting run with its cache and stored histories
(:mod:`~nascompanion.compare.runner`, :mod:`~nascompanion.compare.store`), tables, sweeps and variants,
and their figures (:mod:`~nascompanion.compare.plots`); :mod:`~nascompanion.compare.run` gathers the
names the chapters use."""
