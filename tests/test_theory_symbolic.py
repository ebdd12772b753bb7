"""The sympy derivation of Lemma 5.3 against independent numerics (paper, Sec. 5)."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from nascompanion.theory import symbolic as S


def test_every_derivation_step_verifies():
    steps = S.derivation(k_max=4)
    assert all(step.verified for step in steps), [str(st_) for st_ in steps if not st_.verified]


def test_a_wrong_claim_is_caught():
    wrong = S._step("wrong", sp.integrate((1 - S.x) ** S.s, (S.x, 0, 1), conds="none"), 1 / S.s)
    assert not wrong.verified


@pytest.mark.parametrize("s_value", [2, 5, 24])
def test_minima_fraction_against_quad(s_value):
    value, _ = integrate.quad(lambda t: (1 - t) ** s_value, 0, 1)
    assert value == pytest.approx(float(S.local_minima_fraction().derived.subs(S.s, s_value)), rel=1e-10)


@settings(max_examples=20, deadline=None)
@given(s_value=st.integers(1, 30), eps_value=st.floats(0.01, 1.0))
def test_lemma53_equals_direct_quadrature_of_theorem51(s_value, eps_value):
    factors = [1.0, 0.5, 0.25]
    coeffs = [float(c) for c in S.lemma53_coefficients(s_value, tuple(factors))]

    def integrand(t):
        return (1 - t) ** s_value * sum(c * (1 - t) ** (s_value * i) for i, c in enumerate(coeffs))

    value, _ = integrate.quad(integrand, 0, eps_value, epsabs=1e-13)
    assert float(S.lemma53(eps_value, s_value, factors)) == pytest.approx(value, rel=1e-8, abs=1e-12)


def test_lemma53_monotone_and_bounded():
    e = np.linspace(0, 1, 51)
    vals = S.lemma53(e, 24, [1, 1, 5 / 12, 2 / 9, 1 / 8, 1 / 15, 1 / 36])
    assert vals[0] == 0 and np.all(np.diff(vals) >= 0)


def test_tree_form_sums_to_one_and_known_readings():
    assert float(S.lemma53(1.0, 24, [1.0] * 60)) == pytest.approx(1.0, abs=1e-12)
    nb = [1, 5 / 12, 2 / 9, 1 / 8, 1 / 15, 1 / 36]
    assert float(S.lemma53(1.0, 24, [1.0, *nb])) == pytest.approx(0.8968, abs=1e-4)
    assert float(S.lemma53(1.0, 24, nb)) == pytest.approx(0.6724, abs=1e-4)


def test_series_check_and_hypergeometric_form():
    assert S.lemma53_series_check(24, [1, 1, 5 / 12]).verified
    assert S.tree_series_check(order=5).verified
    exact, approx = S.approximation_error(24, np.linspace(0, 1, 21))
    direct = [sum(24.0**k * g ** (24 * k) / np.prod([i * 24.0 + 1 for i in range(k)]) for k in range(80)) for g in np.linspace(0, 1, 21)]
    np.testing.assert_allclose(exact, direct, rtol=1e-8)
    assert np.all(approx >= exact - 1e-12)
