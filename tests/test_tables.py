"""Tables for readers: no index column, no NaN, no negative zero, intervals in one cell, words for missing values."""

import math

import numpy as np
import pandas as pd

from nascompanion.landscape.tables import STATISTICS
from nascompanion.report.tables import Table, interval, number, show, with_intervals


def _cells(table: Table) -> list[str]:
    """The body cells of ``table``'s HTML, row by row."""
    return [cell.split("</td>")[0] for cell in table._repr_html_().split("<td>")[1:]]


def test_html_has_no_index_column_and_words_for_missing_values():
    shown = show(pd.DataFrame({"a": [1.5, math.nan]}, index=["x", "y"]), missing="none passes")
    html = shown._repr_html_()
    assert "<th>a</th>" in html and "none passes" in html
    assert ">x<" not in html and "<th></th>" not in html and "nan" not in html.lower()


def test_index_becomes_a_named_column():
    shown = show(pd.DataFrame({"a": [0.5]}, index=["CIFAR-10"]), decimals=1, index="dataset")
    assert list(shown.frame.columns) == ["dataset", "a"] and shown.frame.iloc[0].tolist() == ["CIFAR-10", "0.5"]


def test_numbers_never_read_as_negative_zero_or_exponent():
    assert [number(-0.0001, 3), number(-0.0, 0), number(0.0), number(21.0, None)] == ["0.000", "0", "0.00", "21"]
    assert number(1e-7, None) == "1e-07" or "e" not in number(1e-7, 8)
    assert interval(624.83, 624.01, 625.66, 1) == "624.8 [624.0, 625.7]"


def test_folded_interval_keeps_its_place_and_says_what_is_missing():
    frame = pd.DataFrame({"difference": [-0.0001, 1.23456], "low": [-0.2, 1.0], "high": [0.2, np.nan],
                          "rank": [1.0, 2.0], "holds": [True, False]},
                         index=pd.Index(["a", "b"], name="dataset"))
    table = show(frame, decimals=3, index=True, intervals={"difference [interval]": ("difference", "low", "high")})
    assert _cells(table) == ["a", "0.000 [-0.200, 0.200]", "1", "yes",
                             "b", "1.235 [1.000, not measured]", "2", "no"]
    assert list(table.frame.columns) == ["dataset", "difference [interval]", "rank", "holds"]


def test_headers_are_renamed_after_folding_intervals():
    frame = pd.DataFrame({"LS - RS": [0.5], "low": [0.1], "high": [0.9]})
    html = show(frame, intervals={"LS - RS [interval]": ("LS - RS", "low", "high")},
                columns={"LS - RS [interval]": "local search minus random search"})._repr_html_()
    assert "<th>local search minus random search</th>" in html and "<th>low</th>" not in html


def test_missing_wording_per_column():
    frame = pd.DataFrame({"data": ["a", "b"], "paper": [1.5, np.nan], "minima": [13, 24], "share": [0.5, np.nan]})
    html = show(frame, missing={"paper": "not in the paper"})._repr_html_()
    assert "NaN" not in html and "nan" not in html and "not in the paper" in html and "not measured" in html
    assert "1.50" in html and ">13<" in html


def test_whole_numbers_by_column_or_by_cell():
    frame = pd.DataFrame({"whole": [3.0, 15625.0], "mixed": [13.0, 54.25]})
    assert show(frame).frame.values.tolist() == [["3", "13.00"], ["15,625", "54.25"]]
    assert show(frame, whole="cell").frame["mixed"].tolist() == ["13", "54.25"]
    assert show(frame, whole="never").frame["whole"].tolist() == ["3.00", "15,625.00"]


def test_turned_table_and_words_for_names():
    frame = pd.DataFrame({"data": ["a", "b"], "local_minima": [13, 24], "rms_deviation": [0.5, 1.0]})
    table = show(frame, 1, turn="data", corner="statistic", words=STATISTICS)
    assert list(table.frame.columns) == ["statistic", "a", "b"]
    assert table.frame["statistic"].tolist() == ["local minima", "RMS deviation"]
    assert show(frame, words=STATISTICS, columns={"local_minima": "minima"}).frame.columns[1] == "minima"


def test_with_intervals_puts_the_new_columns_first():
    frame = pd.DataFrame({"n": [155], "s": [0.15], "lo": [0.14], "hi": [0.16]})
    out = with_intervals(frame, {"sigma [90 % interval]": ("s", "lo", "hi")}, 3)
    assert out.columns.tolist() == ["sigma [90 % interval]", "n"] and out.iloc[0, 0] == "0.150 [0.140, 0.160]"


def test_output_is_the_same_for_the_same_frame():
    frame = pd.DataFrame({"a": [0.1, 0.2], "b": ["x", "y"]})
    assert show(frame)._repr_html_() == show(frame.copy())._repr_html_() and repr(show(frame)) == repr(show(frame))
