"""Tables of the theory chapters read as a reader wants them: no index, no NaN, no negative zero."""

import math

import pandas as pd

from nascompanion.theory.display import cell, interval, table


def test_html_has_no_index_column_and_words_for_missing_values():
    shown = table(pd.DataFrame({"a": [1.0, math.nan]}, index=["x", "y"]), decimals=2, missing="none passes")
    html = shown._repr_html_()
    assert "<th>a</th>" in html and "none passes" in html
    assert ">x<" not in html and "nan" not in html.lower()


def test_index_becomes_a_named_column():
    shown = table(pd.DataFrame({"a": [0.5]}, index=["CIFAR-10"]), decimals=1, index="dataset")
    assert list(shown.frame.columns) == ["dataset", "a"] and shown.frame.iloc[0].tolist() == ["CIFAR-10", "0.5"]


def test_numbers_never_read_as_negative_zero_or_exponent():
    assert [cell(-0.0001, 3), cell(-0.0), cell(0.0, 2), cell(21.0)] == ["0.000", "0", "0.00", "21"]
    assert interval(624.83, 624.01, 625.66, 1) == "624.8 [624.0, 625.7]"
