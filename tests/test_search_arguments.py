"""Every registered search refuses a bad budget, generator or setting up front, with one line naming it."""

import inspect
import math
import re
from dataclasses import is_dataclass, replace

import numpy as np
import pytest

from nascompanion.objectives import MAX_TRIAL_BYTES, TrialLosses, trial_losses
from nascompanion.search import registry, settings_spec
from nascompanion.search.bananas import bananas
from nascompanion.search.bayesopt import bayesian_optimization
from nascompanion.search.local_search import local_search
from nascompanion.spaces import hamming_space, nb201_space
from toy_benchmark import toy_benchmark

ALL = list(registry.ALGORITHMS)


def _space(name):
    return nb201_space() if registry.get(name).nb201_only else hamming_space(4, 3)


def _losses(size):
    return TrialLosses(np.random.default_rng(0).random((2, size)) * 50.0, np.zeros(size))


BAD_BUDGETS = [0, -1, 2.5, True, None, "10", math.nan]


@pytest.mark.parametrize("budget", BAD_BUDGETS + ["above the space"], ids=repr)
@pytest.mark.parametrize("name", ALL)
def test_a_bad_budget_is_refused_naming_the_budget_and_its_range(name, budget):
    space = _space(name)
    budget = space.size + 1 if budget == "above the space" else budget
    with pytest.raises(ValueError, match=rf"^budget must be an integer in 1\.\.{space.size}, got "):
        registry.run(name, space, _losses(space.size), budget, np.random.default_rng(0))


@pytest.mark.parametrize("rng", [None, 0, np.random.RandomState(0), np.random.SeedSequence(0)],
                         ids=["None", "0", "RandomState", "SeedSequence"])   # the same names in every process
@pytest.mark.parametrize("name", ALL)
def test_a_generator_that_is_not_a_numpy_generator_is_refused(name, rng):
    space = _space(name)
    with pytest.raises(ValueError, match=r"^rng must be a numpy.random.Generator"):
        registry.run(name, space, _losses(space.size), 5, rng)


def _bad_values(spec, space_size):
    """The value families ``spec`` must refuse: out of range, of the wrong type, not finite."""
    bad = [True, "3", [1]] + ([] if spec.optional else [None])
    bad.append(spec.low if spec.low_open else spec.low - 1)
    if spec.kind == "int":
        bad += [2.5, float(max(spec.low, 1))]
    else:
        bad += [math.nan, math.inf, -math.inf]
    if spec.top(space_size) < math.inf:
        bad.append(int(spec.top(space_size)) + 1)
    return bad


def _setting_cases():
    for name in ALL:
        size = _space(name).size
        for setting, spec in settings_spec.SPECS[name].items():
            for value in _bad_values(spec, size):
                yield pytest.param(name, setting, None, value, id=f"{name}-{setting}={value!r}")
        for setting, fields in settings_spec.NESTED.get(name, {}).items():
            for field, spec in fields.items():
                for value in _bad_values(spec, size):
                    yield pytest.param(name, setting, field, value, id=f"{name}-{setting}.{field}={value!r}")


@pytest.mark.parametrize("name, setting, field, value", list(_setting_cases()))
def test_a_bad_setting_is_refused_naming_it_and_its_range(name, setting, field, value):
    space = _space(name)
    if field is None:
        config, named = {setting: value}, f"{name}'s {setting}"
    else:
        default = inspect.signature(registry.get(name).function).parameters[setting].default
        config, named = {setting: replace(default, **{field: value})}, f"{name}'s {setting}.{field}"
    spec = (settings_spec.SPECS[name][setting] if field is None else settings_spec.NESTED[name][setting][field])
    message = f"{named} must be {spec.describe(space.size)}, got {value!r}"
    with pytest.raises(ValueError) as raised:
        registry.run(name, space, _losses(space.size), 5, np.random.default_rng(0), **config)
    assert str(raised.value) == message


def test_every_numeric_setting_of_every_search_is_declared():
    for name, algorithm in registry.ALGORITHMS.items():
        params = list(inspect.signature(algorithm.function).parameters.values())[4:]
        numeric = {p.name for p in params
                   if isinstance(p.default, (int, float)) and not isinstance(p.default, bool)
                   or (p.default is None and "int" in str(p.annotation))}
        nested = {p.name for p in params if is_dataclass(p.default)}
        assert numeric == set(settings_spec.SPECS[name]), name
        assert nested == set(settings_spec.NESTED.get(name, {})), name
        for setting in nested:
            default = next(p.default for p in params if p.name == setting)
            fields = {k for k, v in vars(default).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
            assert fields <= set(settings_spec.NESTED[name][setting]), (name, setting)


@pytest.mark.parametrize("name", ALL)
def test_the_registered_defaults_are_allowed(name):
    space = _space(name)
    algorithm = registry.get(name)
    params = inspect.signature(algorithm.function).parameters
    settings = {k: p.default for k, p in list(params.items())[4:]} | dict(algorithm.defaults)
    settings_spec.check_call(name, space.size, 5, np.random.default_rng(0), settings)


def test_local_search_refuses_more_starting_draws_than_the_space_holds():
    space = hamming_space(4, 3)
    with pytest.raises(ValueError, match=r"^k_init must be an integer in 1\.\.81, got 100000000$"):
        local_search(space, np.arange(81.0), 5, np.random.default_rng(0), k_init=10**8)
@pytest.mark.parametrize("function, name", [(bayesian_optimization, "bo"), (bananas, "bananas")])
@pytest.mark.parametrize("setting", ["batch", "n_init", "parents", "per_parent"])
def test_the_model_based_searches_refuse_a_zero_count_when_called_directly(function, name, setting):
    space = hamming_space(4, 3)
    with pytest.raises(ValueError, match=rf"^{name}'s {setting} must be an integer (of at least 1|in 1\.\.\d+), got 0$"):
        function(space, _losses(space.size), 20, np.random.default_rng(0), **{setting: 0})


def test_bo_refuses_a_zero_refit_interval_when_called_directly():
    space = hamming_space(4, 3)
    with pytest.raises(ValueError, match="^bo's refit_every must be an integer of at least 1, got 0$"):
        bayesian_optimization(space, _losses(space.size), 20, np.random.default_rng(0), refit_every=0)


def test_a_trial_count_beyond_the_memory_limit_is_refused_with_its_estimate():
    bench = toy_benchmark()
    need = 2 * 8 * 10**7 * 15625
    estimate = re.escape(f"would need about {need / 1e9:.3g} GB")
    with pytest.raises(ValueError, match=rf"^trials=10000000 {estimate} .* the limit is {MAX_TRIAL_BYTES / 1e9:.3g} GB"):
        trial_losses(bench, "toy", "noise", 10**7, np.random.default_rng(0), x=1.0)
    largest = MAX_TRIAL_BYTES // (2 * 8 * 15625)
    with pytest.raises(ValueError, match=f"trials={largest + 1} would need"):
        trial_losses(bench, "toy", "denoised", largest + 1, np.random.default_rng(0))


@pytest.mark.parametrize("trials", [0, -3, 2.0, True, None])
def test_a_trial_count_that_is_not_a_positive_integer_is_refused(trials):
    with pytest.raises(ValueError, match="^trials must be an integer of at least 1, got "):
        trial_losses(toy_benchmark(), "toy", "denoised", trials, np.random.default_rng(0))


def test_a_callable_objective_returning_nan_is_refused_like_an_array_holding_nan():
    space = hamming_space(4, 3)

    def objective(arch):
        return (math.nan if arch % 2 else float(arch)), 0.0

    with pytest.raises(ValueError, match=r"^the objective returned a NaN validation loss for architecture \d+$"):
        local_search(space, objective, 30, np.random.default_rng(0))
    with pytest.raises(ValueError, match="NaN"):
        local_search(space, np.where(np.arange(81) % 2, np.nan, np.arange(81.0)), 30, np.random.default_rng(0))
