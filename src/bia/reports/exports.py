"""The daily main courante register (CSV and ODS) the chef de poste files every day.

One line per main courante entry whose request was received during the *local* day (midnight
to midnight in the commune's time zone, so DST days have 23 or 25 hours), in the order of
reception, with the latest version's fields in legal order, its status and, when validated,
its hash. CSV is what spreadsheets and scripts read (";" and a UTF-8 BOM, as French Excel
expects; cells that would start a formula are defused); ODS is the open spreadsheet format.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bia.core.errors import Invalid
from bia.reports import textutil
from bia.reports.fields import specs
from bia.reports.models import VALIDATED, Document

_FORMULA_START = ("=", "+", "-", "@", "\t")


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day, as aware datetimes."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def rows(session: Session, *, commune_id: int, day: date, tz: ZoneInfo) -> list[list[str]]:
    """Header + one row per main courante entry of the day."""
    start, end = day_bounds(day, tz)
    docs = session.scalars(
        select(Document).where(Document.commune_id == commune_id,
                               Document.kind == "main-courante",
                               Document.requested_at >= start, Document.requested_at < end)
        .order_by(Document.requested_at, Document.id)
        .options(selectinload(Document.versions)))
    fields = specs("main-courante")
    header = ["N°", "Reçu à", *(f.label for f in fields), "Statut", "Version",
              "Validé par", "Empreinte SHA-256"]
    out = [header]
    for doc in docs:
        latest = doc.latest
        validated = latest.status == VALIDATED
        who = ""
        if validated:
            who = latest.validator_name or latest.validated_by or ""
            if latest.validator_badge:
                who += f" ({latest.validator_badge})"
        out.append([
            doc.number or "", doc.requested_at.astimezone(tz).strftime("%H:%M"),
            *(textutil.clean((latest.fields.get(f.key) or {}).get("value", "")) for f in fields),
            "validé" if validated else "brouillon", str(latest.version), who,
            latest.content_hash or "",
        ])
    return out


def _defuse(value: str) -> str:
    """Keep a resident's "=HYPERLINK(…)" as text when the CSV is opened in a spreadsheet."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for line in table:
        writer.writerow([_defuse(cell) for cell in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_ods(table: list[list[str]], *, title: str) -> bytes:
    doc = OpenDocumentSpreadsheet()
    bold = Style(name="BiaHead", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="BiaWide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="4.5cm"))
    doc.automaticstyles.addElement(wide)
    sheet = Table(name=title)
    for _ in table[0]:
        sheet.addElement(TableColumn(stylename=wide))
    for index, line in enumerate(table):
        tr = TableRow()
        for value in line:
            cell = (TableCell(valuetype="string", stylename=bold) if index == 0
                    else TableCell(valuetype="string"))
            for part in value.split("\n") or [""]:
                cell.addElement(P(text=part))
            tr.addElement(cell)
        sheet.addElement(tr)
    doc.spreadsheet.addElement(sheet)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def daily(session: Session, *, commune_id: int, day: date, tz: ZoneInfo, fmt: str) -> bytes:
    table = rows(session, commune_id=commune_id, day=day, tz=tz)
    if fmt == "csv":
        return to_csv(table)
    if fmt == "ods":
        return to_ods(table, title=f"Main courante {day:%d-%m-%Y}")
    raise Invalid(f"Format inconnu : {fmt} (csv ou ods).", code="format_inconnu")
