"""The CAP reader on the shapes real sources publish (tests/fixtures/feeds/README.md, "Real
shapes"): zero-radius circles, EDXL-DE and <alerts> wrappers, Atom entries that carry
their alert inline or list an HTML page first, and the hostile forms of each."""

import time
from pathlib import Path

import pytest
from shapely.geometry import Point

from threats.feeds import cap
from threats.feeds.errors import FeedFormatError

REAL = Path(__file__).parents[3] / "fixtures" / "feeds" / "cap" / "real"
MALICIOUS = REAL.parent / "malicious-billion-laughs.xml"
EDXL_1 = "edxl-de-1.0-fire-service.xml"


def load(name: str) -> bytes:
    return (REAL / name).read_bytes()


def laughs_dtd(root: str) -> bytes:
    """The fixture's billion-laughs DTD, declared for another root element."""
    text = MALICIOUS.read_text()
    dtd = text[text.index("<!DOCTYPE") : text.index("]>") + 2]
    return dtd.replace("<!DOCTYPE alert", f"<!DOCTYPE {root}").encode()


def test_the_usgs_epicentre_is_a_point_at_lon_lat():
    alert = cap.parse_alert(load("usgs-earthquake-2010-verbatim.cap"))
    assert alert.geometry == Point(-173.274, -16.053)
    assert alert.info.language == "en-US"  # USGS sends no <language>: CAP's default


@pytest.mark.parametrize("radius", ["0", "0.0", "0.00", "-0"])
def test_every_spelling_of_a_zero_radius_is_a_point(radius):
    # PTWC writes "0", USGS and fire services "0.0".
    assert cap.parse_circle(f"19.3,-155.1 {radius}") == Point(-155.1, 19.3)


def test_a_point_and_a_polygon_in_one_alert_are_both_kept():
    fire = load(EDXL_1).decode()
    start = fire.index("<cap:alert ")
    alert_text = fire[start : fire.index("</cap:alert>", start) + len("</cap:alert>")]
    polygon = "<cap:polygon>41.95,-87.70 41.95,-87.69 41.94,-87.69 41.95,-87.70</cap:polygon>"
    both = alert_text.replace("<cap:circle>", polygon + "<cap:circle>")
    geometry = cap.parse_alert(both.encode()).geometry
    assert geometry.geom_type == "GeometryCollection"
    assert geometry.intersects(Point(-87.625, 41.91))
    assert geometry.intersects(Point(-87.695, 41.945))


def test_an_edxl_de_1_distribution_gives_each_cap_alert_and_refuses_the_bad_one():
    page = cap.read_alerts(load(EDXL_1))
    assert [a.identifier for a in page.records] == [
        "2026-07-18T15:30:00-05:00:990001",
        "2026-07-18T15:50:00-05:00:990002",
    ]
    assert [a.geometry for a in page.records] == [Point(-87.625, 41.91), Point(-87.624, 41.903)]
    (reason,) = page.refused
    assert reason.startswith("record 2 (id 2026-07-18T15:40:00-05:00:990003)")
    assert "no UTC offset" in reason
    # The PDF map and the situation report are content, not alerts: neither is refused.
    assert [a.identifier for a in cap.parse_alerts(load(EDXL_1))] == [
        a.identifier for a in page.records
    ]


def test_an_edxl_de_2_distribution_leaves_its_other_messages_alone():
    (alert,) = cap.parse_alerts(load("edxl-de-2.0-distribution.xml"))
    assert (alert.identifier, alert.info.event) == ("LAKEFRONT-OPS-2026-0718-0042", "Crowd Surge")


def test_an_ipaws_alerts_list_gives_every_alert():
    alerts = cap.parse_alerts(load("ipaws-alerts.xml"))
    assert [a.identifier for a in alerts] == ["IPAWS-LFS-2026-0718-001", "IPAWS-LFS-2026-0718-002"]


def test_a_cap_namespaced_alerts_list_gives_every_alert():
    one = load("imo-two-languages.cap").split(b"?>", 1)[1]
    listed = b'<alerts xmlns="urn:oasis:names:tc:emergency:cap:1.2">' + one + one + b"</alerts>"
    assert len(cap.parse_alerts(listed)) == 2


def test_a_bare_alert_is_still_one_alert_and_a_bad_one_still_refused_whole():
    (alert,) = cap.parse_alerts(load("imo-two-languages.cap"))
    assert [i.language for i in alert.infos] == ["is-IS", "en-US"]
    broken = load("imo-two-languages.cap").replace(b"<status>Actual", b"<status>Rumour")
    with pytest.raises(FeedFormatError, match="<status>"):
        cap.read_alerts(broken)


def test_a_distribution_whose_every_alert_is_malformed_is_refused():
    broken = load(EDXL_1).replace(b"<cap:status>Actual", b"<cap:status>Rumour")
    with pytest.raises(FeedFormatError, match="no alert of 3 could be read: record 1"):
        cap.parse_alerts(broken)


def test_a_distribution_without_cap_content_holds_no_alert():
    text = load("edxl-de-2.0-distribution.xml").decode()
    start = text.index("<alert ")
    without = text[:start] + text[text.index("</alert>") + len("</alert>") :]
    assert cap.parse_alerts(without.encode()) == []


def test_another_root_is_still_refused():
    with pytest.raises(FeedFormatError, match="expected a CAP <alert>, <alerts> or an EDXL-DE"):
        cap.parse_alerts(b'<rss version="2.0"><channel/></rss>')


def test_the_naad_entry_carries_its_alert_inline_and_no_link_to_fetch():
    entry, heartbeat = cap.parse_atom_index(load("naad-inline.atom"))
    assert entry.links == () and entry.link == ""  # its only link is an empty HTML one
    (alert,) = cap.parse_alerts(entry.content)
    assert alert.identifier == "urn:oid:2.49.0.1.124.5a1f0c2e.2026"
    assert [(i.language, i.event) for i in alert.infos] == [
        ("en-CA", "weather"),
        ("fr-CA", "météo"),
    ]
    assert cap.parse_alerts(heartbeat.content)[0].status == "System"  # application/cap+xml


def test_the_usgs_entry_names_its_cap_link_before_its_html_page():
    quake, other = cap.parse_atom_index(load("usgs-index.atom"))
    assert quake.links == ("http://earthquake.usgs.gov/earthquakes/eventpage/us2026lfsq.cap",)
    # Untyped links may be anything: tried in order, the page first, then the enclosure.
    assert other.links == (
        "http://earthquake.usgs.gov/earthquakes/eventpage/us2026lfsr",
        "http://earthquake.usgs.gov/earthquakes/eventpage/us2026lfsr.xml",
    )
    assert quake.content == other.content == b""


# Hostile documents: the wrappers read nothing a bare alert would not.


def test_billion_laughs_in_an_edxl_distribution_is_refused_without_expansion():
    body = load(EDXL_1).split(b"?>", 2)[2]  # after the XML and stylesheet declarations
    document = laughs_dtd("edxlde:EDXLDistribution") + body.replace(
        b"<cap:incidents>9900", b"<cap:incidents>&lol9;9900"
    )
    started = time.perf_counter()
    with pytest.raises(FeedFormatError, match="DTD"):
        cap.parse_alerts(document)
    assert time.perf_counter() - started < 1.0


def test_billion_laughs_in_inline_atom_content_is_refused_without_expansion():
    feed = load("naad-inline.atom").split(b"?>", 1)[1]
    document = laughs_dtd("feed") + feed.replace(b"<event>weather", b"<event>&lol9;weather")
    with pytest.raises(FeedFormatError, match="DTD"):
        cap.parse_atom_index(document)
    assert cap.is_atom(document) is False


@pytest.mark.parametrize(
    "entity",
    [
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">',
        b'<!ENTITY xxe SYSTEM "http://127.0.0.1:9/steal">',
        b'<!ENTITY % xxe SYSTEM "http://127.0.0.1:9/dtd"> %xxe;',
    ],
)
def test_external_entities_in_an_edxl_distribution_are_refused(entity):
    body = load(EDXL_1).split(b"?>", 2)[2]
    document = b"<!DOCTYPE d [" + entity + b"]>" + body.replace(b"Report<", b"&xxe;<", 1)
    with pytest.raises(FeedFormatError, match="DTD"):
        cap.parse_alerts(document)


def test_an_oversize_distribution_is_refused_before_parsing():
    with pytest.raises(FeedFormatError, match="over the 1000-byte cap"):
        cap.read_alerts(load(EDXL_1), max_bytes=1000)
    with pytest.raises(FeedFormatError, match="over the 1000-byte cap"):
        cap.parse_alerts(load(EDXL_1), max_bytes=1000)
