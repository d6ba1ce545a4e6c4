"""ICS 204 and 215 as PDF: real PDFs that parse, hold the forms' data, and repeat a long
table's header on every page it runs onto."""

from __future__ import annotations

import io

from pypdf import PdfReader

from planner.gaps import Gap
from planner.ics import DivisionNote, Prepared, Resource, ics204, ics215, totals215
from planner.ics_pdf import ics204_pdf, ics215_pdf, latin, printable

PERIOD = "Saturday show: Sat 15 Aug 2026 09:00 to Sat 15 Aug 15:00 CDT"
PREPARED = Prepared("Ana Ruiz (planner)", "15 Aug 2026 08:00 CDT")
HEADER_215 = "Work assignment (zone)"


def pages(body: bytes) -> list[str]:
    assert body.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def follows(text: str, *cells: object) -> bool:
    """The cells of one table row, in order, one after another in the extracted text."""
    found, want = lines(text), [str(c) for c in cells]
    return any(found[i : i + len(want)] == want for i in range(len(found)))


def test_an_ics_215_holds_each_row_and_the_totals():
    gaps = [
        Gap(1, 5, "patrol_officer", 3, 2),
        Gap(1, 5, "emt", 1, 0),
        Gap(2, 5, "sergeant", 1, 1),
    ]
    rows = ics215(gaps, {1: "North Avenue Beach", 2: "Oak Street Beach"})
    [text] = pages(ics215_pdf("Air and Water Show", PERIOD, rows, totals215(rows), PREPARED))
    assert "OPERATIONAL PLANNING WORKSHEET (ICS 215)" in text and "Air and Water Show" in text
    assert follows(text, "North Avenue Beach", "patrol_officer", 3, 2, 1)
    assert follows(text, "North Avenue Beach", "emt", 1, 0, 1)
    assert follows(text, "Oak Street Beach", "sergeant", 1, 1, 0)
    assert follows(text, "Total", "patrol_officer", 3, 2, 1)


def test_a_long_ics_215_repeats_its_header_on_every_page():
    gaps = [Gap(z, 5, role, 4, z % 5) for z in range(60) for role in ("patrol_officer", "emt")]
    rows = ics215(gaps, {z: f"Zone {z:02d}" for z in range(60)})
    found = pages(ics215_pdf("Air and Water Show", PERIOD, rows, totals215(rows), PREPARED))
    assert len(found) >= 3
    assert all(HEADER_215 in text for text in found)
    assert all(f"Page {n}" in text for n, text in enumerate(found, start=1))
    everything = "\n".join(found)
    assert all(follows(everything, r.work_assignment, r.role, r.required) for r in rows)


def test_an_ics_204_is_one_form_per_zone_and_a_long_list_repeats_its_header():
    crew = [
        Resource(f"Officer {i:03d}", "Chicago PD", "18th", "patrol_officer", "") for i in range(90)
    ]
    crew.append(Resource("Ana Ruiz", "Chicago PD", "18th", "sergeant", "312-555-0101"))
    zones = [(1, "North Avenue Beach", "crowd", ""), (2, "Oak Street Beach", "crowd", "Gate 4")]
    forms = ics204(zones, {1: crew}, {1: 95, 2: 2}, PERIOD)
    found = pages(ics204_pdf("Air and Water Show", PERIOD, forms, PREPARED))
    assert sum("ASSIGNMENT LIST (ICS 204)" in text for text in found) == 2
    north, oak = found[:-1], found[-1]
    assert len(north) >= 3 and all("Role" in t and "Contact" in t for t in north)
    assert "Ana Ruiz" in north[0] and "(sergeant, Chicago PD)" in north[0]  # the leader
    assert "5. Resources assigned (91 of 95 required)" in north[0]
    assert all(f"Officer {i:03d}" in "\n".join(north) for i in range(90))
    assert "Oak Street Beach (crowd)" in oak and "0 of 2 required" in oak and "Gate 4" in oak


def test_markup_and_letters_outside_the_standard_fonts_are_printed_not_lost():
    assert printable("Fish & <Chips>") == "Fish &amp; &lt;Chips&gt;"
    assert latin("Zoë Müller") == "Zoë Müller"  # in Windows-1252: kept as is
    assert latin("Łukasz 王") == "Lukasz Wang"
    crew = {1: [Resource("Łukasz <b>Nowak</b> & Co", "Straż", "", "patrol_officer", "")]}
    forms = ics204([(1, "Pier & <Gate>", "gate", "")], crew, {}, PERIOD)
    [text] = pages(ics204_pdf("Show", PERIOD, forms, PREPARED))
    assert "Lukasz <b>Nowak</b> & Co" in text and "Pier & <Gate> (gate)" in text


def test_a_period_with_nothing_to_list_still_gives_a_form():
    [text] = pages(ics204_pdf("Show", PERIOD, [], PREPARED))
    assert "No zone has people or requirements" in text
    [text] = pages(ics215_pdf("Show", PERIOD, [], [], PREPARED))
    assert "No requirements in this operational period." in text


def test_an_ics_204_names_who_prepared_it_and_prints_the_division_notes():
    note = DivisionNote("Tac 2 (CPD Zone 4)\nSgt. Ruiz 312-555-0101", "Keep the <lane> clear & dry")
    forms = ics204(
        [(1, "Beach", "crowd", ""), (2, "Pier", "gate", "")], {}, {2: 1}, PERIOD, {1: note}
    )
    beach, pier = pages(ics204_pdf("Show", PERIOD, forms, PREPARED))
    assert "Prepared by Ana Ruiz (planner) · 15 Aug 2026 08:00 CDT" in beach
    assert follows(beach, "7. Special instructions", "Keep the <lane> clear & dry")
    assert follows(beach, "8. Communications", "Tac 2 (CPD Zone 4)", "Sgt. Ruiz 312-555-0101")
    assert "Tac 2" not in pier and "Prepared by Ana Ruiz (planner)" in pier
