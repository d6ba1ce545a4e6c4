"""ICS 204 and ICS 215 as PDF, drawn on the server with reportlab from the same data as
the CSV and HTML forms (planner/ics.py), so the three always agree."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

from anyascii import anyascii
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from common.messages import N_, Text
from planner.ics import Assignment204, Prepared, Row215, Total215

Say = Callable[..., str]  # a msgid and its values -> the words in the reader's language
english: Say = Text  # the msgid itself, filled in
PAGE = N_("Page %(page)d")  # the other words are the HTML forms' own msgids
RoleLabel = Callable[[str], str]  # a role code -> its label in the reader's language


def as_coded(code: str) -> str:
    return code


_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("ics-title", parent=_STYLES["Title"], fontSize=15, spaceAfter=6)
HEADING = ParagraphStyle("ics-heading", parent=_STYLES["Heading3"], spaceBefore=8, spaceAfter=4)
BODY = ParagraphStyle("ics-body", parent=_STYLES["BodyText"], fontSize=9, leading=11)
BOLD = ParagraphStyle("ics-bold", parent=BODY, fontName="Helvetica-Bold")
NUMBER = ParagraphStyle("ics-number", parent=BODY, alignment=2)  # right-aligned
WIDTH = letter[0] - 1.2 * inch  # the frame between 0.6 in margins
SHADE = colors.HexColor("#e6e6e6")
NEED = colors.HexColor("#fbe3e3")
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def latin(value: object) -> str:
    """Text in the PDF's standard fonts: letters they lack (outside Windows-1252) are
    spelled in Latin rather than drawn as empty boxes."""
    out = []
    for char in "" if value is None else str(value):
        try:
            char.encode("cp1252")
            out.append(char)
        except UnicodeEncodeError:
            out.append(anyascii(char))
    return "".join(out)


def printable(value: object) -> str:
    """Text for a Paragraph, which reads markup: `&`, `<` and `>` are escaped."""
    return escape(latin(value))


def _cell(value: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(printable(value), style)


def _list(header: Sequence[str], rows: list[list], widths: Sequence[float]) -> Table:
    """A list table whose header row is repeated on every page it runs onto."""
    table = Table([[_cell(h, BOLD) for h in header], *rows], colWidths=widths, repeatRows=1)
    table.setStyle(GRID)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), SHADE)]))
    return table


def _head(pairs: Sequence[tuple[str, object]]) -> Table:
    """The numbered boxes at the top of a form, two to a row."""
    cells = [c for label, value in pairs for c in (_cell(label, BOLD), _cell(value))]
    cells += [""] * (-len(cells) % 4)
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    table = Table(rows, colWidths=[WIDTH * w for w in (0.18, 0.32, 0.18, 0.32)])
    table.setStyle(GRID)
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    table.setStyle(TableStyle([("BACKGROUND", (2, 0), (2, -1), SHADE)]))
    return table


def _blank(height: float = 0.6 * inch) -> Table:
    box = Table([[""]], colWidths=[WIDTH], rowHeights=[height])
    box.setStyle(GRID)
    return box


def _render(flowables: list[Flowable], title: str, prepared: Prepared, say: Say) -> bytes:
    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        by = say("Prepared by %(who)s · %(when)s", who=prepared.by, when=prepared.when)
        text = f"{title} · {by} · {say(PAGE.template, page=doc.page)}"
        canvas.drawString(0.6 * inch, 0.4 * inch, latin(text))
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=letter,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.7 * inch,
        title=title,
        author=latin(prepared.by),
    )
    doc.build(flowables, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def ics204_pdf(
    incident: str,
    period: str,
    forms: Sequence[Assignment204],
    prepared: Prepared,
    say: Say = english,
    role: RoleLabel = as_coded,
) -> bytes:
    """One ICS 204 per division (zone), each starting on a new page; roles by `role`."""
    story: list[Flowable] = []
    for number, form in enumerate(forms):
        if number:
            story.append(PageBreak())
        story += _form204(incident, period, form, say, role)
    if not forms:
        story.append(_title(say("ASSIGNMENT LIST (ICS 204)")))
        story.append(_cell(say("No zone has people or requirements in this operational period.")))
    return _render(story, f"ICS 204 - {incident}", prepared, say)


def _title(text: str) -> Paragraph:
    return Paragraph(printable(text), TITLE)


def _heading(text: str) -> Paragraph:
    return Paragraph(printable(text), HEADING)


def _form204(
    incident: str, period: str, form: Assignment204, say: Say, role: RoleLabel
) -> list[Flowable]:
    leader = form.leader
    led_by = (
        f"{leader.name} ({role(leader.role)}, {leader.agency})" if leader else say("none named")
    )
    rows = [
        [_cell(role(r.role)), _cell(r.name), _cell(r.agency), _cell(r.unit), _cell(r.contact)]
        for r in form.resources
    ] or [[_cell(say("No one assigned.")), "", "", "", ""]]
    resources = _list(
        [say(h) for h in ("Role", "Name", "Agency", "Unit", "Contact")],
        rows,
        [WIDTH * w for w in (0.17, 0.25, 0.22, 0.18, 0.18)],
    )
    count = {"assigned": len(form.resources), "required": form.required}
    return [
        _title(say("ASSIGNMENT LIST (ICS 204)")),
        _head(
            [
                (say("1. Incident name"), incident),
                (say("2. Operational period"), period),
                (say("3. Division / group"), f"{form.division} ({form.kind})"),
                (say("4. Leader"), led_by),
            ]
        ),
        _heading(say("5. Resources assigned (%(assigned)s of %(required)s required)", **count)),
        resources,
        KeepTogether(
            [
                _heading(say("6. Work assignments")),
                _cell(form.instructions or say("Staff the %(zone)s zone.", zone=form.division)),
            ]
        ),
        _written(say("7. Special instructions"), form.note.special_instructions),
        _written(say("8. Communications"), form.note.communications),
    ]


def _written(heading: str, text: str) -> Flowable:
    """A numbered box with what the planner wrote, line by line, or left blank to fill."""
    if not text.strip():
        return KeepTogether([_heading(heading), _blank()])
    lines = [_cell(line) for line in text.splitlines() if line.strip()]
    return KeepTogether([_heading(heading), *lines])  # split over pages only when too long


def ics215_pdf(
    incident: str,
    period: str,
    rows: Sequence[Row215],
    totals: Sequence[Total215],
    prepared: Prepared,
    say: Say = english,
    role: RoleLabel = as_coded,
) -> bytes:
    """Required / Have / Need per work assignment and resource (roles by `role`), then
    the totals."""
    body = [
        [_cell(r.work_assignment), _cell(role(r.role)), *(_cell(n, NUMBER) for n in _counts(r))]
        for r in rows
    ] or [[_cell(say("No requirements in this operational period.")), "", "", "", ""]]
    foot = [
        [
            _cell(say("Total"), BOLD),
            _cell(role(t.role), BOLD),
            *(_cell(n, NUMBER) for n in _counts(t)),
        ]
        for t in totals
    ]
    heads = ("Work assignment (zone)", "Resource", "Required", "Have", "Need")
    table = _list(
        [say(h) for h in heads],
        body + foot,
        [WIDTH * w for w in (0.4, 0.27, 0.11, 0.11, 0.11)],
    )
    shading = [("BACKGROUND", (0, i), (-1, i), NEED) for i, r in enumerate(rows, start=1) if r.need]
    if foot:
        shading.append(("LINEABOVE", (0, len(body) + 1), (-1, len(body) + 1), 1.5, colors.black))
    table.setStyle(TableStyle(shading))
    story: list[Flowable] = [
        _title(say("OPERATIONAL PLANNING WORKSHEET (ICS 215)")),
        _head([(say("1. Incident name"), incident), (say("2. Operational period"), period)]),
        Spacer(1, 8),
        table,
    ]
    return _render(story, f"ICS 215 - {incident}", prepared, say)


def _counts(row: Row215 | Total215) -> tuple[int, int, int]:
    return row.required, row.have, row.need
