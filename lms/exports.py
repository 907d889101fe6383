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
        # Sheet names: 31 characters at most, and none of []:*?/\ in them.
        sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Relais"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{basename}.{kind}"'
    return response
