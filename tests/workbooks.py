"""Reading written workbooks back in tests (openpyxl)."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet


def dropdowns(sheet: Worksheet) -> dict[str, DataValidation]:
    """Header name → the list validation covering its column."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[sheet.cell(1, cell_range.min_col).value] = validation
    return found
