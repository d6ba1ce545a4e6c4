"""Settings read from the environment, with defaults that are safe for one machine."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the project folder
DEFAULT_FEED_HOSTS = (
    "127.0.0.1",
    "localhost",
    "api.weather.gov",
    "ws-public.interpol.int",
    "api.fbi.gov",
    "data.opensanctions.org",
    "sanctionslistservice.ofac.treas.gov",
    "data.cityofchicago.org",
)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """A random key kept under instance/, so sessions survive a restart without a fixed key."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def from_env(environ: dict[str, str] | None = None) -> dict:
    """The app's config mapping, built from the environment."""
    env = os.environ if environ is None else environ
    instance = Path(env.get("INSTANCE_PATH") or ROOT / "instance")
    hosts = env.get("FEED_ALLOWED_HOSTS")
    return {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": env.get("SECRET_KEY") or _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance / 'eventwatch.db'}",
        "REDIS_URL": env.get("REDIS_URL") or None,
        # threading for the embedded default; gevent for a production web process (wsgi.py)
        "SOCKETIO_ASYNC_MODE": env.get("SOCKETIO_ASYNC_MODE", "threading"),
        # Deployments sharing one Redis keep their deltas apart with their own channel.
        "SOCKETIO_CHANNEL": env.get("SOCKETIO_CHANNEL", "eventwatch"),
        "SCHEDULER": _flag(env.get("SCHEDULER"), True),
        # A scheduler that dies is replaced by a standby within this many seconds.
        "SCHEDULER_LEASE_S": float(env.get("SCHEDULER_LEASE_S", "30")),
        "HOST": env.get("HOST", "127.0.0.1"),
        "PORT": int(env.get("PORT", "5000")),
        "FEED_ALLOWED_HOSTS": tuple(h.strip() for h in hosts.split(","))
        if hosts
        else DEFAULT_FEED_HOSTS,
        # Source operators see who polls them, and whom to call: name the deployment.
        "FEED_USER_AGENT": env.get("FEED_USER_AGENT")
        or f"eventwatch/0.1 ({env.get('DEPLOYMENT_NAME') or socket.gethostname()}"
        + (f"; {env['FEED_CONTACT']})" if env.get("FEED_CONTACT") else ")"),
        # The <sender> of this deployment's CAP feed, and the start of its identifiers.
        "CAP_SENDER": env.get("CAP_SENDER") or env.get("DEPLOYMENT_NAME") or socket.gethostname(),
        "FEED_MAX_BYTES": int(env.get("FEED_MAX_BYTES", str(20 * 1024 * 1024))),
        "FEED_TIMEOUT_S": float(env.get("FEED_TIMEOUT_S", "15")),  # per connect and per read
        # A whole fetch (headers, body, redirects): a source that drips bytes fails at it.
        "FEED_DEADLINE_S": float(env.get("FEED_DEADLINE_S", "60")),
        # Fernet keys sealing feed credentials, comma-separated, the first sealing (rotate by
        # putting a new one first); unset, a key derived from SECRET_KEY seals them.
        "FEED_SECRETS_KEY": env.get("FEED_SECRETS_KEY") or None,
        # The first retry after a failure; it doubles with every further failure.
        "FEED_BACKOFF_BASE_S": float(env.get("FEED_BACKOFF_BASE_S", "30")),
        "DEMO": _flag(env.get("DEMO"), True),
        "DEMO_STEP_S": int(env.get("DEMO_STEP_S", "30")),
        "DEMO_POLL_S": int(env.get("DEMO_POLL_S", "10")),
        "MAP_TILES_URL": env.get("MAP_TILES_URL") or None,
        "MAP_TILES_ATTRIBUTION": env.get("MAP_TILES_ATTRIBUTION", ""),
        # Basemap tile files (MBTiles, PMTiles) served by the app: placed here or uploaded by
        # an admin (/admin/basemaps, at most BASEMAP_MAX_BYTES); an event picks one, or gets
        # BASEMAP_DEFAULT (a file's name without its suffix).
        "BASEMAPS_DIR": env.get("BASEMAPS_DIR") or None,  # None: INSTANCE_PATH/basemaps
        "BASEMAP_DEFAULT": env.get("BASEMAP_DEFAULT") or None,
        "BASEMAP_MAX_BYTES": int(env.get("BASEMAP_MAX_BYTES", str(2 * 1024**3))),
        # `eventwatch tiles fetch`: whom a tile server's operator can reach (an e-mail or a
        # web page; required, the command refuses to run without it), and requests a second.
        "TILE_FETCH_CONTACT": env.get("TILE_FETCH_CONTACT") or None,
        "TILE_FETCH_RATE": float(env.get("TILE_FETCH_RATE", "2")),
        "TILE_FETCH_MAX_TILES": int(env.get("TILE_FETCH_MAX_TILES", "10000")),
        # Drawn under the zones when there is no tile server: a command post may be offline.
        "MAP_BASEMAP": env.get("MAP_BASEMAP", str(ROOT / "demo" / "basemap.geojson")),
        # The largest CAP document a partner may push (threats.polling.push_service).
        "PUSH_MAX_BYTES": int(env.get("PUSH_MAX_BYTES", str(1024 * 1024))),
        # The most CAP alerts one push may carry: one request is never a flood of threats.
        "PUSH_MAX_ALERTS": int(env.get("PUSH_MAX_ALERTS", "100")),
        # Pushes one feed takes in a minute; beyond, 429 with Retry-After.
        "PUSH_PER_MINUTE": int(env.get("PUSH_PER_MINUTE", "600")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_BYTES", str(25 * 1024 * 1024))),
        # A zone larger than this is refused: a city fits, a file read in the wrong units not.
        "ZONE_MAX_AREA_KM2": float(env.get("ZONE_MAX_AREA_KM2", "500")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), False),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), False),
        # Reverse proxies in front whose X-Forwarded-For/-Proto to trust (nginx alone: 1),
        # so the login throttle and the audit log see the client's address, not the proxy's.
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        "WTF_CSRF_CHECK_DEFAULT": False,
        "WTF_CSRF_TIME_LIMIT": None,
    }
