"""Lemma 5.3 derived from Theorem 5.1 and Lemma 5.2 with sympy, step by step.

Every step is a :class:`Step`: the expression the derivation produces, the
expression the paper states, and whether their difference simplifies to zero.
Uniform densities throughout: ``pdf_n(x) = pdf_e(x, y) = 1`` on ``[0, 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp
from scipy.special import hyp1f1

x, y, z = sp.symbols("x y z", nonnegative=True)
s = sp.Symbol("s", positive=True, integer=True)
eps = sp.Symbol("epsilon", positive=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
c = sp.Symbol("c", positive=True)
beta = sp.Symbol("b", nonnegative=True)
b = sp.IndexedBase("b")
"""Symbols: losses ``x, y, z``, degree ``s``, ``epsilon``, a step index ``j``,
a coefficient ``c``, one branching factor ``b`` and the sequence ``b[i]``."""


@dataclass(frozen=True)
class Step:
    """One verified step of the derivation.

    Attributes
    ----------
    name
        What the step shows, in words.
    derived
        The expression sympy computes from the previous steps.
    claimed
        The paper's expression.
    verified
        ``simplify(derived - claimed) == 0``.
    """

    name: str
    derived: sp.Expr
    claimed: sp.Expr
    verified: bool
    lhs: str = ""

    def __str__(self) -> str:
        mark = "verified" if self.verified else "DIFFERS"
        return f"{self.name}:\n  derived  {sp.sstr(self.derived)}\n  claimed  {sp.sstr(self.claimed)}\n  [{mark}]"


def _step(name: str, derived: sp.Expr, claimed: sp.Expr, lhs: str = "") -> Step:
    same = sp.simplify(sp.powsimp(sp.expand_power_base(derived - claimed, force=True), force=True)) == 0
    return Step(name, sp.simplify(derived), claimed, bool(same), lhs)


def steps_latex(steps: list[Step]) -> str:
    """The steps as one LaTeX ``aligned`` block: left-hand side, the derived expression, and the check.

    A step without a LaTeX left-hand side shows its name as text. Render it with
    ``IPython.display.Math``.

    Examples
    --------
    >>> print(steps_latex([tail_mass()]))
    \\begin{aligned}
    G(x) = \\int_x^1 \\mathrm{pdf}_e(x, y)\\,dy &= 1 - x && \\text{(verified)}
    \\end{aligned}
    """
    rows = []
    for st in steps:
        lhs = st.lhs or rf"\text{{{st.name}}}"
        mark = r"\text{(verified)}" if st.verified else r"\text{(DIFFERS from the paper)}"
        rows.append(f"{lhs} &= {sp.latex(st.derived)} && {mark}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def tail_mass() -> Step:
    """``G(x) = int_x^1 pdf_e(x, y) dy = 1 - x`` for uniform ``pdf_e``."""
    return _step("G(x) = int_x^1 pdf_e(x, y) dy", sp.integrate(sp.Integer(1), (y, x, 1)), 1 - x,
                 r"G(x) = \int_x^1 \mathrm{pdf}_e(x, y)\,dy")


def local_minima_fraction() -> Step:
    """Theorem 5.1, first part, divided by ``n``: ``int_0^1 G(x)^s dx = 1 / (s + 1)``."""
    derived = sp.integrate((1 - x) ** s, (x, 0, 1), conds="none")
    return _step("E[#local minima] / n = int_0^1 (1-x)^s dx", derived, 1 / (s + 1),
                 r"\mathbb{E}[\#\text{minima}]/n = \int_0^1 (1-x)^s\,dx")


def first_preimage() -> Step:
    """Eq. 5.1: ``E|LS^{-1}(x)| = s int_x^1 (int_x^1 dz)^{s-1} dy = s (1 - x)^s``."""
    inner = sp.integrate(sp.Integer(1), (z, x, 1))
    derived = s * sp.integrate(inner ** (s - 1), (y, x, 1), conds="none")
    return _step("E|LS^-1(x)| (Eq. 5.1)", derived, s * (1 - x) ** s, r"\mathbb{E}|LS^{-1}(x)| \text{ (Eq. 5.1)}")


def induction_step() -> Step:
    """Eq. 5.2 maps ``c (1-y)^{s j}`` at depth ``j`` to ``c b s / (s j + 1) (1-x)^{s (j+1)}``.

    Notes
    -----
    Eq. 5.2 with uniform ``pdf_e``: ``E|LS^{-(j+1)}(x)| = b_j E|LS^{-1}(x)|
    int_x^1 E|LS^{-j}(y)| dy / (1 - x)``; ``b`` stands for the factor of that step.
    """
    average = sp.integrate(c * (1 - y) ** (s * j), (y, x, 1), conds="none") / (1 - x)
    derived = beta * s * (1 - x) ** s * average
    claimed = c * beta * s / (s * j + 1) * (1 - x) ** (s * (j + 1))
    return _step("Eq. 5.2 step j -> j+1 from E|LS^-j(y)| = c (1-y)^(s j)", derived, claimed,
                 r"\text{Eq. 5.2 from } \mathbb{E}|LS^{-j}(y)| = c(1-y)^{sj}\text{: } \mathbb{E}|LS^{-(j+1)}(x)|")


def preimage_coefficient(k: int) -> sp.Expr:
    """Lemma 5.3's ``s^k prod_{i=0}^{k-1} b_i / (i s + 1)`` (the coefficient of ``(1-x)^{s k}``)."""
    return s**k * sp.Mul(*[b[i] / (i * s + 1) for i in range(k)])


def preimage_by_recursion(k_max: int) -> list[sp.Expr]:
    """``E|LS^{-k}(x)|`` for ``k = 0..k_max`` by literally integrating Eq. 5.2 (no induction hypothesis)."""
    first = s * (1 - x) ** s
    out = [sp.Integer(1)]
    for k in range(1, k_max + 1):
        previous = out[-1].subs(x, y)
        average = sp.integrate(sp.expand_power_base(previous, force=True), (y, x, 1), conds="none") / (1 - x)
        out.append(sp.powsimp(b[k - 1] * first * average, force=True))
    return out


def preimage_steps(k_max: int = 5) -> list[Step]:
    """Compare the recursion with the closed form ``s^k (1-x)^{s k} prod b_i / (i s + 1)`` for each ``k``."""
    return [
        _step(f"E|LS^-{k}(x)|", expr, preimage_coefficient(k) * (1 - x) ** (s * k), rf"\mathbb{{E}}|LS^{{-{k}}}(x)|")
        for k, expr in enumerate(preimage_by_recursion(k_max))
        if k > 0
    ]


def theorem_term() -> Step:
    """Theorem 5.1, second part, one term: ``int_0^eps (1-x)^s c_j (1-x)^{s j} dx``."""
    derived = sp.integrate((1 - x) ** (s * (j + 1)), (x, 0, eps), conds="none")
    claimed = (1 - (1 - eps) ** ((j + 1) * s + 1)) / ((j + 1) * s + 1)
    return _step("int_0^eps (1-x)^s (1-x)^(s j) dx (term j of Lemma 5.3)", derived, claimed,
                 r"\int_0^\epsilon (1-x)^s (1-x)^{sj}\,dx \text{ (term } j \text{ of Lemma 5.3)}")


def derivation(k_max: int = 5) -> list[Step]:
    """All steps from Theorem 5.1 and Lemma 5.2 to Lemma 5.3, in order."""
    return [tail_mass(), local_minima_fraction(), first_preimage(), induction_step(), *preimage_steps(k_max), theorem_term()]


@lru_cache(maxsize=64)
def _coefficients(s_value: int, factors: tuple[sp.Rational, ...]) -> tuple[sp.Rational, ...]:
    out = [sp.Integer(1)]
    for i, f in enumerate(factors):
        out.append(out[-1] * s_value * f / (i * s_value + 1))
    return tuple(out)


def lemma53_coefficients(s_value: int, factors) -> tuple[sp.Rational, ...]:
    """Exact ``c_i = s^i prod_{j<i} f_{j+1} / (j s + 1)`` for ``i = 0..len(factors)``.

    Parameters
    ----------
    s_value
        Degree ``s``.
    factors
        Step factors ``f_1, f_2, ...`` (see :func:`~nascompanion.theory.graph_facts.step_factors`);
        floats are converted to exact rationals.
    """
    exact = tuple(sp.nsimplify(f, rational=True) if not isinstance(f, sp.Basic) else f for f in factors)
    return _coefficients(int(s_value), exact)


def lemma53(eps_values, s_value: int, factors) -> np.ndarray:
    """Lemma 5.3 divided by ``n``: the expected fraction of starts ending within ``eps``.

    Notes
    -----
    ``sum_i c_i (1 - (1-eps)^{(i+1)s+1}) / ((i+1)s+1)`` (paper, Lemma 5.3),
    truncated after ``len(factors)`` steps.

    Examples
    --------
    >>> round(float(lemma53(1.0, 24, [1, 1, 5/12, 2/9, 1/8, 1/15, 1/36])), 4)
    0.8968
    """
    e = np.asarray(eps_values, dtype=float)
    total = np.zeros_like(e)
    for i, ci in enumerate(lemma53_coefficients(s_value, tuple(factors))):
        p = (i + 1) * s_value + 1
        total = total + float(ci) * (1 - (1 - e) ** p) / p
    return total


def lemma53_curves(eps_values, s_value: int, factors: dict, prefix: str = "") -> dict[str, np.ndarray]:
    """:func:`lemma53` under each reading's factors, named ``prefix + reading``.

    Examples
    --------
    >>> curves = lemma53_curves(1.0, 24, {"tree": [1] * 60}, prefix="Lemma 5.3, ")
    >>> list(curves), round(float(curves["Lemma 5.3, tree"]), 6)
    (['Lemma 5.3, tree'], 1.0)
    """
    return {f"{prefix}{reading}": lemma53(eps_values, s_value, f) for reading, f in factors.items()}

def lemma53_series_check(s_value: int, factors, order: int = 4) -> Step:
    """Taylor coefficients in ``eps`` of Theorem 5.1's integral and of Lemma 5.3's sum agree.

    The integral ``int_0^eps (1-x)^s sum_i c_i (1-x)^{s i} dx`` and the closed sum
    are expanded to ``eps**order`` and compared term by term.
    """
    coeffs = lemma53_coefficients(s_value, tuple(factors))
    integrand = sum(ci * (1 - x) ** (s_value * (i + 1)) for i, ci in enumerate(coeffs))
    integral = sp.integrate(sp.series(integrand, x, 0, order).removeO(), (x, 0, eps))
    closed = sum(
        ci * (1 - (1 - eps) ** ((i + 1) * s_value + 1)) / ((i + 1) * s_value + 1) for i, ci in enumerate(coeffs)
    )
    closed = sp.series(closed, eps, 0, order + 1).removeO()
    return _step(f"series in eps to order {order}, s={s_value}", sp.expand(integral), sp.expand(closed),
                 rf"\text{{Theorem 5.1's integral to order }} \epsilon^{{{order}}},\ s = {s_value}")


def tree_full_preimage() -> tuple[sp.Expr, sp.Expr]:
    """Exact and approximate ``E|LS^{-*}|`` for the tree form (all factors 1).

    Returns
    -------
    exact, approx
        ``sum_k G^{s k} / (1/s)_k = 1F1(1; 1/s; G^s)`` and the paper's
        ``1 + s G^s e^{G^s}`` (Appendix B), as expressions in ``G = G(x)``.

    Notes
    -----
    ``prod_{i<k} (i s + 1) = s^k (1/s)_k``; replacing ``i s + 1`` by ``i s`` for
    ``i >= 1`` gives ``s / (k-1)!`` and the exponential.
    """
    g = sp.Symbol("G", nonnegative=True)
    exact = sp.hyper([1], [1 / s], g**s)
    approx = 1 + s * g**s * sp.exp(g**s)
    return exact, approx


def tree_series_check(order: int = 6) -> Step:
    """The hypergeometric form equals the tree-form sum ``sum_k s^k G^{s k} / prod (i s + 1)``."""
    w = sp.Symbol("w", nonnegative=True)
    hyper_terms = sum(w**k / sp.rf(1 / s, k) for k in range(order))
    direct = sum(s**k * w**k / sp.Mul(*[i * s + 1 for i in range(k)]) for k in range(order))
    return _step(f"1F1(1; 1/s; w) = sum_k s^k w^k / prod(i s + 1), first {order} terms", hyper_terms, direct,
                 rf"{{}}_1F_1(1; 1/s; w) \text{{, first {order} terms}}")


def approximation_error(s_value: int, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact tree-form ``E|LS^{-*}(x)|`` and the approximation ``1 + s G^s e^{G^s}`` on a grid of ``G``."""
    w = np.asarray(grid, dtype=float) ** s_value
    return hyp1f1(1.0, 1.0 / s_value, w), 1 + s_value * w * np.exp(w)
