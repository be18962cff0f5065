"""Cells that a spreadsheet would run as a formula are neutralised; others pass unchanged."""

import pytest

from app.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize(
    "value", ["=1+1", "+44 1332", "-2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']
)
def test_formula_like_text_starts_with_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Abbey Street", "", "1 = 1", 3, -2, 1.5, None])
def test_other_cells_are_unchanged(value):
    assert safe_cell(value) == value


def test_a_row_is_made_safe_cell_by_cell():
    assert safe_row(["a", "=b", 4]) == ["a", "'=b", 4]
