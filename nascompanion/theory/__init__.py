"""The theory of Sec. 5: Theorem 5.1, Lemmas 5.2-5.3, Eq. 5.3, checked and fitted.

Modules: :mod:`~nascompanion.theory.graph_facts` (branching fractions),
:mod:`~nascompanion.theory.symbolic` (sympy derivation of Lemma 5.3),
:mod:`~nascompanion.theory.numeric` (Theorem 5.1 for any densities),
:mod:`~nascompanion.theory.montecarlo` (simulation on the real graph),
:mod:`~nascompanion.theory.fitting` (Eq. 5.3 and RWA fitted to NB201),
:mod:`~nascompanion.theory.fitted_data` (the three NB201 landscapes: losses, fits, pairs, local densities),
:mod:`~nascompanion.theory.fitted_prediction` (Theorem 5.1 with fitted densities against local search),
:mod:`~nascompanion.theory.markov` (footnote 2's assumption), :mod:`~nascompanion.theory.noise_bound`
(a bound on local minima under Gaussian noise) and :mod:`~nascompanion.theory.plots`.
"""
