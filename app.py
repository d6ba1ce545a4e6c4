"""eventwatch: create_app(config=None); `python app.py` serves the embedded default."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

import click
from flask import Flask, current_app, jsonify, render_template, request
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.exceptions import NotFound as werkzeug_not_found
from werkzeug.middleware.proxy_fix import ProxyFix

import config as settings
import error_pages
import i18n
from accounts import auth, cli
from accounts.models import User
from accounts.services import create_user
from extensions import db, new_scheduler, socketio
from maps import sockets
from migrate import upgrade_database
from storage import tune_sqlite, utcnow
from validation import InputError, NotFound

log = logging.getLogger("eventwatch")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(settings.from_env())
    app.config.update(config or {})
    app.config.setdefault("DEMO_STARTED_AT", utcnow())
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_database(app)
    i18n.init_app(app)
    auth.init_app(app)
    cli.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=app.config["SOCKETIO_CHANNEL"],
        cors_allowed_origins=None,
    )
    sockets.init_app(app)
    _register_blueprints(app)
    _register_errors(app)
    app.after_request(_security_headers)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(db_command)
    app.add_url_rule("/healthz", "healthz", lambda: {"ok": True})
    return app


def _init_database(app: Flask) -> None:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"connect_args": {"timeout": 30}})
    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)


def _register_blueprints(app: Flask) -> None:
    from accounts.views import bp as accounts_bp
    from demo.feed import bp as demo_bp
    from maps.gis_views import bp as gis_bp
    from maps.views import bp as maps_bp
    from planner.api import bp as planner_api
    from planner.api_exports import bp as exports_api
    from planner.api_staffing import bp as staffing_api
    from planner.forms import bp as plan_forms
    from planner.forms import events_bp as event_forms
    from planner.forms import roster_bp
    from planner.views import bp as planner_bp
    from threats.api import bp as threats_api
    from threats.api_screening import bp as screening_api
    from threats.capfeed import bp as cap_feed
    from threats.views import bp as feeds_bp

    blueprints = (
        accounts_bp,
        planner_bp,
        plan_forms,
        event_forms,
        roster_bp,
        maps_bp,
        gis_bp,
        planner_api,
        staffing_api,
        exports_api,
        threats_api,
        screening_api,
        cap_feed,
        feeds_bp,
        demo_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)


def _error(status: int, code: str, message: str, details=None):
    return jsonify({"error": {"code": code, "message": message, "details": details}}), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(InputError)
    def invalid(exc: InputError):
        details = {"field": exc.field} if exc.field else None
        return _error(400, "invalid", i18n.say(exc), details)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        if request.path.startswith("/api/"):
            return _error(404, "not_found", i18n.say(exc))
        return error_pages.page_for(werkzeug_not_found(description=i18n.say(exc)))

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError):
        if auth.wants_json():
            return _error(400, "csrf", exc.description)
        reason = exc.description
        return _("The form expired or was not sent from this site: %(reason)s", reason=reason), 400

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge):
        mib = app.config["MAX_CONTENT_LENGTH"] / 2**20
        if request.path.startswith("/api/"):
            message = f"The upload is larger than the {mib:g} MiB allowed (MAX_UPLOAD_BYTES)."
            return _error(
                413, "too_large", message, {"limit_bytes": app.config["MAX_CONTENT_LENGTH"]}
            )
        message = _(
            "The upload is larger than the %(limit)s MiB allowed (MAX_UPLOAD_BYTES).",
            limit=i18n.local_number(mib, digits=2),
        )
        referrer = request.referrer or ""
        back = referrer if referrer.startswith(request.host_url) else request.path
        title = _("File too large")
        page = render_template(
            "error.html", title=title, message=message, back=back, nothing_saved=True
        )
        return page, 413

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return _error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)
        return error_pages.page_for(exc)


def _tiles_origin() -> str:
    from urllib.parse import urlsplit

    url = current_app.config["MAP_TILES_URL"]
    if not url:
        return ""
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f"{parts.scheme}://{parts.netloc}"


def _security_headers(response):
    tiles = _tiles_origin()
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        f"'unsafe-inline'; img-src 'self' data: {tiles}; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), payment=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS: keep it that way
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


db_command = AppGroup("db", help="Database schema.")


@db_command.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (python app.py does this on start)."""
    upgrade_database(db.engine)
    click.echo("database is at the latest schema")


@click.command("scheduler")
def scheduler_command() -> None:
    """Run the feed scheduler alone (the one scheduler process of a scaled-out deployment)."""
    from flask import current_app

    from threats import jobs

    app = current_app._get_current_object()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    runner = jobs.start(app, new_scheduler())
    click.echo("scheduler started: it runs the jobs while it holds the lease; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    runner.shutdown()


def prepare(app: Flask) -> None:
    """Migrate, seed the demo on an empty database, and create the first admin."""
    from demo.seed import ensure_demo

    with app.app_context():
        upgrade_database(db.engine)
        if app.config["DEMO"]:
            host = app.config["HOST"]
            host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            feed_url = f"http://{host}:{app.config['PORT']}/demo/feed/cap.atom"
            ensure_demo(db.session, utcnow().date(), feed_url, app.config["DEMO_POLL_S"])
        if db.session.scalar(select(User.id).limit(1)) is None:
            admin = create_user(db.session, "admin", "admin", display_name="Administrator")
            _announce_admin(admin.password, app)
        db.session.commit()


def _announce_admin(password: str, app: Flask) -> None:
    url = f"http://{app.config['HOST']}:{app.config['PORT']}/login"
    bar = "=" * 64
    print(
        f"\n{bar}\n eventwatch: first start, an admin account was created\n"
        f"   log in at {url}\n   username: admin\n   one-time password: {password}\n"
        f" You will be asked to choose a new password.\n{bar}\n",
        flush=True,
    )


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = create_app()
    prepare(app)
    # A SIGTERM ends the server like Ctrl-C, so the scheduler hands its lease over at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    runner = None
    if app.config["SCHEDULER"]:
        from threats import jobs

        runner = jobs.start(app, new_scheduler())
    log.info("serving on http://%s:%s", app.config["HOST"], app.config["PORT"])
    try:
        socketio.run(
            app,
            host=app.config["HOST"],
            port=app.config["PORT"],
            use_reloader=False,
            allow_unsafe_werkzeug=True,
        )
    finally:
        if runner is not None:
            runner.shutdown()  # hands the lease over at once instead of at its expiry


if __name__ == "__main__":
    main()
