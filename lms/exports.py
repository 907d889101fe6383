"""Tables people take away: CSV (with a BOM, so spreadsheet software reads accents)
or XLSX through openpyxl. One way to export, for the core and plugins."""

import csv
import io

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Text as data: a leading = + - @ would make spreadsheet software run it as a
    formula (names and e-mails are typed by people), and XLSX refuses control
    characters."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def sheet_title(title):
    """The tab's name people see: 31 characters at most, none of []:*?/\\ in it,
    never "Sheet1"."""
    return "".join(c for c in str(title) if c not in "[]:*?/\\")[:31] or "Relais"


def finish_sheet(sheet, width, *, frozen_columns=0):
    """The header row (and the first ``frozen_columns``) stay in view while
    scrolling, and columns are wide enough to read. Works on openpyxl's
    write-only sheets too: call it before the first row is written there."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = f"{get_column_letter(frozen_columns + 1)}2"
    for index in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18


def heatmap(sheet, first_column, last_column, last_row, colours):
    """Colour the cells of columns ``first_column``..``last_column`` (1-based),
    rows 2..``last_row``, by their value: ``colours`` maps a value to (background,
    text) hex colours, as the page's heatmap does. Conditional formats, so a
    corrected value recolours itself."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    if last_row < 2 or last_column < first_column:
        return
    cells = (
        f"{get_column_letter(first_column)}2:{get_column_letter(last_column)}{last_row}"
    )
    for value, (background, text) in colours.items():
        sheet.conditional_formatting.add(
            cells,
            CellIsRule(
                operator="equal",
                formula=[str(value)],
                fill=PatternFill(fill_type="solid", bgColor=background),
                font=Font(color=text),
            ),
        )


def spreadsheet_response(header, rows, basename, kind, title=""):
    rows = [[cell(value) for value in row] for row in rows]
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        finish_sheet(sheet, len(header))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{kind}"'
    return response
