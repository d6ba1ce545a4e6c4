"""An uploaded zone file, checked before GDAL reads a byte of it: the format its name
claims and its first bytes agree on; nothing in it that points outside it (GeoJSON crs
links, KML network links and hrefs, URL or /vsi names: planner.references); KML without
DTDs or entities; a GeoPackage of plain tables (planner.geopackages); a zip archive without
escaping paths or bombs, unpacked to no more than an upload may be. Staged under a
temporary folder."""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree

from common.messages import N_
from planner.geopackages import inspect_geopackage
from planner.references import refuse_remote_geojson, refuse_remote_kml, refuse_remote_name
from planner.zones import ZoneError

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# What an archive may unpack to, as much as an upload may be: GDAL reads no more than that.
MAX_UNZIPPED_BYTES = MAX_UPLOAD_BYTES
COPY_CHUNK = 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ZIP_RATIO = 100  # uncompressed : compressed, checked for members over 1 MB
# A corrupt or truncated archive, an unknown compression or encryption, a header pointing
# before the start of the file (ValueError), corrupt deflate data.
UNPACKING_ERRORS = (
    zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError, zlib.error
)  # fmt: skip

GEOJSON, KML, SHAPEFILE, GPKG = "GeoJSON", "KML", "zipped Shapefile", "GeoPackage"
FORMATS = {".geojson": GEOJSON, ".json": GEOJSON, ".kml": KML, ".zip": SHAPEFILE, ".gpkg": GPKG}
MAGIC = {
    GEOJSON: (b"{",),
    KML: (b"<",),
    SHAPEFILE: (b"PK\x03\x04", b"PK\x05\x06"),  # an archive with members, or an empty one
    GPKG: (b"SQLite format 3\x00",),
}
WHAT_IT_IS_NOT = {GEOJSON: "GeoJSON", KML: "KML", SHAPEFILE: "a zip archive", GPKG: "a GeoPackage"}


def format_of(data: bytes, filename: str) -> str:
    """The format the extension claims, once the first bytes agree."""
    if not data:
        raise ZoneError(N_("file is empty"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise ZoneError(N_("over the %(mb)d MB upload limit", mb=MAX_UPLOAD_BYTES // 2**20))
    refuse_remote_name(filename)
    name = PurePosixPath(filename.replace("\\", "/")).name
    suffix = PurePosixPath(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ZoneError(
            N_(
                "unsupported file type '%(type)s'; send GeoJSON, KML, a zipped Shapefile or "
                "GeoPackage",
                type=suffix or name,
            )
        )
    head = data[:4096]
    if fmt in (GEOJSON, KML):
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(MAGIC[fmt]):
        raise ZoneError(N_("'%(name)s' is not %(what)s", name=name, what=WHAT_IT_IS_NOT[fmt]))
    return fmt


def staged(data: bytes, fmt: str, tmp: Path) -> list[Path]:
    """The files GDAL should read, written under tmp."""
    if fmt == SHAPEFILE:
        return _unzipped_shapefiles(data, tmp / "unzipped")
    if fmt == KML:
        _refuse_unsafe_kml(data)
    if fmt == GEOJSON:
        refuse_remote_geojson(data)
    path = tmp / {GEOJSON: "upload.geojson", KML: "upload.kml", GPKG: "upload.gpkg"}[fmt]
    path.write_bytes(data)
    if fmt == GPKG:
        inspect_geopackage(path)
    return [path]


def _refuse_unsafe_kml(data: bytes) -> None:
    """Refuse DTDs and entities (billion laughs, local files) and references out of the file."""
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException as exc:
        raise ZoneError(N_("KML: DTDs and entities are not allowed")) from exc
    except ParseError as exc:
        raise ZoneError(N_("KML: not well-formed XML (%(error)s)", error=str(exc))) from exc
    refuse_remote_kml(root)


def _unzipped_shapefiles(data: bytes, folder: Path) -> list[Path]:
    """The .shp files of a checked archive, each with the .prj that says where it is."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ZoneError(N_("not a readable zip archive (%(error)s)", error=str(exc))) from exc
    with archive:
        room = [MAX_UNZIPPED_BYTES]  # what the members still written may take
        for member in _checked_members(archive):
            _extracted(archive, member, folder, room)
    # macOS zips carry "__MACOSX/._name.shp" resource forks that are not Shapefiles.
    shapefiles = [
        shp
        for shp in sorted(folder.rglob("*"))
        if shp.suffix.lower() == ".shp" and not shp.name.startswith("._")
    ]
    if not shapefiles:
        raise ZoneError(N_("the archive holds no Shapefile (.shp)"))
    for shp in shapefiles:
        if not any(p.stem == shp.stem and p.suffix.lower() == ".prj" for p in shp.parent.iterdir()):
            where = shp.relative_to(folder)
            raise ZoneError(
                N_(
                    "the Shapefile '%(name)s' has no .prj: its coordinate system is unknown",
                    name=str(where),
                )
            )
    return shapefiles


def _extracted(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, folder: Path, room: list[int]
) -> None:
    """One checked member written under folder, counting what it really unpacks to: the
    declared sizes were checked, and these bytes are what GDAL will read."""
    target = folder.joinpath(*PurePosixPath(member.filename.replace("\\", "/")).parts)
    try:
        if not target.parent.exists():  # a file already there: refused below, by open()
            target.parent.mkdir(parents=True)
        with archive.open(member) as source, target.open("wb") as sink:
            while chunk := source.read(COPY_CHUNK):
                room[0] -= len(chunk)
                if room[0] < 0:
                    raise ZoneError(_unpacks_to_more())
                sink.write(chunk)
    except ZoneError:
        raise
    except UNPACKING_ERRORS as exc:
        raise ZoneError(
            N_("the archive could not be unpacked (%(error)s)", error=str(exc))
        ) from exc
    except OSError as exc:  # a name too long, or a file where a folder must go; no server path
        raise ZoneError(
            N_(
                "zip member '%(name)s' cannot be unpacked (%(error)s)",
                name=member.filename,
                error=exc.strerror,
            )
        ) from exc


def _checked_members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, after refusing escapes and zip bombs from the directory alone."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise ZoneError(N_("the archive has more than %(max)d members", max=MAX_ZIP_MEMBERS))
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"[A-Za-z]:", member.filename):
            raise ZoneError(N_("zip member '%(name)s' escapes the archive", name=member.filename))
        refuse_remote_name(member.filename)
    if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
        raise ZoneError(_unpacks_to_more())
    for member in members:
        if member.file_size > 2**20 and member.file_size > MAX_ZIP_RATIO * member.compress_size:
            raise ZoneError(
                N_(
                    "zip member '%(name)s' is compressed more than %(ratio)d:1 (a zip bomb?)",
                    name=member.filename,
                    ratio=MAX_ZIP_RATIO,
                )
            )
    return [member for member in members if not member.is_dir()]


def _unpacks_to_more() -> str:
    return N_("the archive unpacks to more than %(mb)d MB", mb=MAX_UNZIPPED_BYTES // 2**20)
