"""ODT rendering (odfpy): the open format town halls edit in LibreOffice.

Same content as the PDF (a :class:`~bia.reports.layout.Sheet`), laid out as a two-column table
(label | value and provenance) so a clerk can amend it comfortably. Text goes through
``teletype.addTextToElement``, which turns newlines, tabs and runs of spaces into ODF elements;
stored values are already free of characters XML forbids (see :mod:`bia.reports.textutil`).
"""

from __future__ import annotations

import io

from odf import teletype
from odf.opendocument import OpenDocumentText
from odf.style import (
    MasterPage,
    PageLayout,
    PageLayoutProperties,
    ParagraphProperties,
    Style,
    TableCellProperties,
    TableColumnProperties,
    TableProperties,
    TextProperties,
)
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from bia.reports.layout import Sheet

BLUE = "#1f3a68"


def _styles(doc: OpenDocumentText) -> dict[str, Style]:
    layout = PageLayout(name="A4")
    layout.addElement(PageLayoutProperties(pagewidth="21cm", pageheight="29.7cm",
                                           margintop="1.8cm", marginbottom="2cm",
                                           marginleft="1.6cm", marginright="1.6cm",
                                           printorientation="portrait"))
    doc.automaticstyles.addElement(layout)
    doc.masterstyles.addElement(MasterPage(name="Standard", pagelayoutname=layout))

    def para(name: str, size: str, *, bold: bool = False, color: str = "#111111",
             italic: bool = False, align: str = "start") -> Style:
        style = Style(name=name, family="paragraph")
        style.addElement(TextProperties(fontsize=size, color=color, fontname="DejaVu Sans",
                                        fontfamily="DejaVu Sans",
                                        fontweight="bold" if bold else "normal",
                                        fontstyle="italic" if italic else "normal"))
        style.addElement(ParagraphProperties(textalign=align, margintop="0.05cm",
                                             marginbottom="0.05cm"))
        doc.styles.addElement(style)
        return style

    styles = {
        "small": para("BiaSmall", "7.5pt", color="#444444"),
        "commune": para("BiaCommune", "11pt", bold=True),
        "service": para("BiaService", "13pt", bold=True, color=BLUE),
        "title": para("BiaTitle", "16pt", bold=True, color=BLUE, align="end"),
        "meta": para("BiaMeta", "9pt", align="end"),
        "status": para("BiaStatus", "9pt", bold=True, color="#aa3333", align="end"),
        "label": para("BiaLabel", "8.5pt", bold=True, color=BLUE),
        "value": para("BiaValue", "10pt"),
        "note": para("BiaNote", "7pt", color="#888888", italic=True),
        "h2": para("BiaH2", "11pt", bold=True, color=BLUE),
        "hash": para("BiaHash", "8pt"),
    }
    table = Style(name="BiaTable", family="table")
    table.addElement(TableProperties(width="17.8cm", align="margins"))
    doc.automaticstyles.addElement(table)
    for name, width in (("BiaColLabel", "5.6cm"), ("BiaColValue", "12.2cm")):
        col = Style(name=name, family="table-column")
        col.addElement(TableColumnProperties(columnwidth=width))
        doc.automaticstyles.addElement(col)
    cell = Style(name="BiaCell", family="table-cell")
    cell.addElement(TableCellProperties(padding="0.12cm", bordertop="none", borderleft="none",
                                        borderright="none", borderbottom="0.4pt solid #cccccc"))
    doc.automaticstyles.addElement(cell)
    styles.update(table=table, cell=cell)
    return styles


def _p(style: Style, text: str) -> P:
    paragraph = P(stylename=style)
    teletype.addTextToElement(paragraph, text)
    return paragraph


def render(sheet: Sheet) -> bytes:
    doc = OpenDocumentText()
    st = _styles(doc)
    body = doc.text
    body.addElement(_p(st["small"], "RÉPUBLIQUE FRANÇAISE"))
    body.addElement(_p(st["commune"], sheet.commune))
    body.addElement(_p(st["service"], sheet.service))
    body.addElement(_p(st["title"], sheet.title))
    body.addElement(_p(st["meta"], f"N° {sheet.number} · version {sheet.version}"))
    body.addElement(_p(st["status"], "VALIDÉ" if sheet.validated
                       else "BROUILLON · NON VALIDÉ"))

    table = Table(name="Champs", stylename=st["table"])
    table.addElement(TableColumn(stylename="BiaColLabel"))
    table.addElement(TableColumn(stylename="BiaColValue"))
    for row in sheet.rows:
        tr = TableRow()
        label = TableCell(stylename=st["cell"], valuetype="string")
        label.addElement(_p(st["label"], row.label + (" *" if row.mandatory else "")))
        value = TableCell(stylename=st["cell"], valuetype="string")
        value.addElement(_p(st["value"], row.value or ("à compléter" if row.mandatory
                                                        else "néant")))
        if row.note:
            value.addElement(_p(st["note"], row.note))
        tr.addElement(label)
        tr.addElement(value)
        table.addElement(tr)
    body.addElement(table)

    if sheet.validated:
        body.addElement(_p(st["h2"], "Validation"))
        body.addElement(_p(st["value"], f"Validé par : {sheet.validator}"))
        body.addElement(_p(st["value"], f"Le : {sheet.validated_on}"))
        body.addElement(_p(st["value"], "Empreinte SHA-256 du contenu validé :"))
        body.addElement(_p(st["hash"], sheet.content_hash))
    else:
        body.addElement(_p(st["h2"], "Document non validé"))
        body.addElement(_p(st["value"], "Brouillon pré-rempli par BIA : sans valeur avant "
                                        "relecture et validation par l'agent."))
    body.addElement(_p(st["note"], "* champ obligatoire. « Source » indique l'origine de "
                                   f"chaque information pré-remplie. {sheet.legal}"))
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()
