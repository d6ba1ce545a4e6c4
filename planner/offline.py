"""GDAL and PROJ with no network: a zone file is read from disk, and nothing else is.

GDAL follows what a file names: a GeoJSON `crs` link, a KML network link, a /vsicurl/ path
(a server-side request past the feed allow-list). The upload checks refuse such files
before GDAL opens them (planner.references); this is the second wall, for whatever they
miss. It is set for the whole process when this module is imported (planner.importing, the
one module that reads with GDAL, imports it first) and checked at once: a process that
cannot switch the network off does not read files.
"""

from __future__ import annotations

import os

import pyogrio
import pyproj.network

# GDAL's curl has no off switch. Every request it makes goes through a SOCKS proxy at a Unix
# socket that cannot exist (nothing lives under /dev/null), so it fails before a packet is
# sent; socks5h leaves names to the proxy, so no name is looked up either.
NOWHERE = "socks5h://localhost/dev/null/eventwatch-reads-files-only"
GDAL_OFFLINE = {
    "GDAL_HTTP_PROXY": NOWHERE,
    "GDAL_HTTPS_PROXY": NOWHERE,
    # /vsicurl/ (and /vsis3/, /vsigs/, ... built on it) open only files with this extension,
    # which no file has.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".eventwatch-no-remote-file",
    "GDAL_HTTP_TIMEOUT": "2",
    "GDAL_HTTP_CONNECTTIMEOUT": "2",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_NETRC": "NO",
    "CPL_CURL_ENABLE_VSIMEM": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_ALLOW_REMOTE_RESOURCE_TO_ACCESS_LOCAL_FILE": "NO",
    "PROJ_NETWORK": "OFF",
}
# curl bypasses any proxy for the hosts these name, even one set explicitly.
PROXY_BYPASS = ("no_proxy", "NO_PROXY")


def go_offline() -> None:
    """Switch GDAL's and PROJ's network access off in this process, and check that it is."""
    for name in PROXY_BYPASS:
        os.environ.pop(name, None)
    os.environ["PROJ_NETWORK"] = "OFF"  # read by every PROJ context, GDAL's own included
    pyogrio.set_gdal_config_options(GDAL_OFFLINE)
    pyproj.network.set_network_enabled(False)
    assert_offline()


def assert_offline() -> None:
    read_back = {name: pyogrio.get_gdal_config_option(name) for name in GDAL_OFFLINE}
    wrong = {k: v for k, v in read_back.items() if not _same(v, GDAL_OFFLINE[k])}
    if wrong or pyproj.network.is_network_enabled() or os.environ.get("PROJ_NETWORK") != "OFF":
        raise RuntimeError(f"GDAL or PROJ could not be taken offline: {wrong}")
    if any(name in os.environ for name in PROXY_BYPASS):
        raise RuntimeError("no_proxy would let GDAL's requests past its dead-end proxy")


def _same(read_back: object, value: str) -> bool:
    """pyogrio reads YES/NO/ON/OFF back as booleans and digits as numbers."""
    if isinstance(read_back, bool):
        return read_back == (value.upper() in ("YES", "ON", "TRUE"))
    return str(read_back) == value


go_offline()
