"""Grid evaluation of Theorem 5.1 / Lemma 5.2 against closed forms and nested quad."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from nascompanion.theory import numeric as N
from nascompanion.theory import symbolic as S

NB_FACTORS = [1.0, 1.0, 5 / 12, 2 / 9, 1 / 8, 1 / 15, 1 / 36]


def test_uniform_matches_lemma53():
    curves = N.theorem51(N.uniform_pdf_n, N.uniform_pdf_e, s=24, k_max=7, factors=NB_FACTORS)
    eps = np.linspace(0, 1, 101)
    np.testing.assert_allclose(curves.within(eps), S.lemma53(eps, 24, NB_FACTORS), atol=5e-5)
    assert curves.minima_fraction() == pytest.approx(1 / 25, rel=1e-4)
    x = curves.grid
    np.testing.assert_allclose(curves.preimages[1], 24 * (1 - x) ** 24, atol=1e-3)


@settings(max_examples=12, deadline=None)
@given(v=st.floats(0.0, 1.0), sigma=st.floats(0.08, 1.0), s=st.integers(2, 12))
def test_x_independent_local_density_is_lemma53_in_G(v, sigma, s):
    """With pdf_e(x, y) = g(y) = pdf_n(y), Lemma 5.3 holds with 1 - eps replaced by G(eps)."""
    g = N.eq53_pdf_n(v, sigma)
    curves = N.theorem51(g, lambda x_, y_: g(y_) + 0 * x_, s=s, k_max=3, factors=[1, 0.5, 0.5])
    eps = np.array([0.05, 0.2, 0.5, 1.0])
    big_g = np.array([integrate.quad(g, e, 1)[0] for e in eps])
    expected = S.lemma53(1 - big_g, s, [1, 0.5, 0.5])
    np.testing.assert_allclose(curves.within(eps), expected, atol=2e-3 * max(1.0, expected.max()))


def test_local_density_against_nested_quad():
    pdf_n, pdf_e = N.eq53_pdf_n(0.3, 0.2), N.eq53_pdf_e(0.15)
    curves = N.theorem51(pdf_n, pdf_e, s=3, k_max=1)
    slow = N.naive_within(pdf_n, pdf_e, 3, 0.2, k_max=1)  # k_max=2 takes ~45 s: see benchmarks/
    assert curves.within(0.2) == pytest.approx(slow, rel=1e-3)


def test_minima_fraction_of_truncated_normal_local_density():
    pdf_n, pdf_e = N.eq53_pdf_n(0.25, 0.18), N.eq53_pdf_e(0.1)
    curves = N.theorem51(pdf_n, pdf_e, s=4, k_max=1)
    tail = lambda t: integrate.quad(lambda u: pdf_e(t, u), t, 1)[0]
    slow = integrate.quad(lambda t: pdf_n(t) * tail(t) ** 4, 0, 1, limit=200)[0]
    assert curves.minima_fraction() == pytest.approx(slow, rel=1e-3)


def test_truncated_normal_is_a_density_and_errors():
    for v, sigma in [(0.25, 0.18), (0.9, 0.05), (-0.5, 0.3)]:
        assert integrate.quad(lambda u: N.truncated_normal(u, v, sigma), 0, 1, points=[0.9])[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="sigma"):
        N.truncated_normal(0.5, 0.5, 0.0)
    with pytest.raises(ValueError, match="step factors"):
        N.theorem51(N.uniform_pdf_n, N.uniform_pdf_e, s=3, k_max=4, factors=[1, 1])
