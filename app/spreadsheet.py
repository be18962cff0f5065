"""CSV cells a spreadsheet opens as text: nothing in an export runs as a formula."""

from __future__ import annotations

# Excel, LibreOffice and Google Sheets treat a cell starting with these as a formula (a tab
# or carriage return first hides one), so a name typed as "=HYPERLINK(...)" could run on a
# supervisor's desk. OWASP's advice: prefix such a cell with an apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should show it: text that starts like a formula gets a
    leading apostrophe; numbers (which are never formulas) pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list[object]:
    """Every cell of a row made safe (for csv.writer.writerow)."""
    return [safe_cell(v) for v in values]
