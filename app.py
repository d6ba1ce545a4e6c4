"""eventwatch: create_app(config=None) builds the app; `eventwatch run` (or `python app.py`)
serves the embedded default: SQLite, one process, the scheduler inside, the demo seeded."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from accounts import auth
from accounts import cli as accounts_cli
from accounts.models import User
from accounts.services import create_user
from common.times import utcnow
from common.writes import Write
from maps import sockets
from maps.live_service import publish
from threats.polling import jobs
from web import config as settings
from web import errors, headers, i18n, live_queue, numbers
from web.database import init_database, upgrade_database
from web.extensions import db, feed_secrets, fetcher_for, new_scheduler, socketio

log = logging.getLogger("eventwatch")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    numbers.init_app(app)  # before any route: each picks its converters when it is added
    app.config.update(settings.from_env())
    app.config.update(config or {})
    app.config.setdefault("DEMO_STARTED_AT", utcnow())
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    feed_secrets(app)  # a FEED_SECRETS_KEY that is no key stops the start, naming it
    init_database(app)
    i18n.init_app(app)
    auth.init_app(app)
    accounts_cli.init_app(app)
    jobs.init_app(app)
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        cors_allowed_origins=None,
        **live_queue.options(app.config["REDIS_URL"], app.config["SOCKETIO_CHANNEL"]),
    )
    sockets.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        # Outside Socket.IO's middleware, so that sockets see the client's address too
        # (session protection compares it with the one the login was made from).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _register_blueprints(app)
    errors.init_app(app)
    headers.init_app(app)
    app.add_url_rule("/healthz", "healthz", lambda: {"ok": True})
    return app


def _register_blueprints(app: Flask) -> None:
    from accounts.admin_views import bp as admin_bp
    from accounts.views import bp as accounts_bp
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
    from threats.capout.api import bp as cap_feed
    from threats.polling.api import bp as feeds_api
    from threats.polling.push_api import bp as feeds_push
    from threats.polling.views import bp as feeds_bp
    from threats.screening.api import bp as screening_api

    blueprints = [
        accounts_bp,
        admin_bp,
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
        feeds_api,
        feeds_push,
        screening_api,
        cap_feed,
        feeds_bp,
    ]
    if app.config["DEMO"]:  # the replayed demo feed exists only while the demo is on
        from demo.views import bp as demo_bp

        blueprints.append(demo_bp)
    for bp in blueprints:
        app.register_blueprint(bp)


def prepare(app: Flask) -> None:
    """Migrate, seed the demo on an empty database, and create the first admin."""
    from demo.seed_service import ensure_demo

    with app.app_context():
        upgrade_database(db.engine)
        w = Write(db.session, "eventwatch", utcnow(), publish)
        if app.config["DEMO"]:
            host = app.config["HOST"]
            host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            feed_url = f"http://{host}:{app.config['PORT']}/demo/feed/cap.atom"
            fetcher = fetcher_for(app)
            ensure_demo(w, feed_url, app.config["DEMO_POLL_S"], fetcher)
        if db.session.scalar(select(User.id).limit(1)) is None:
            admin = create_user(w, "admin", "admin", display_name="Administrator").result
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
    """Serve the embedded default: migrate, seed, schedule, and serve until stopped."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = create_app()
    prepare(app)
    # A SIGTERM ends the server like Ctrl-C, so the scheduler hands its lease over at once.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    runner = jobs.start(app, new_scheduler()) if app.config["SCHEDULER"] else None
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


cli = FlaskGroup(
    name="eventwatch",
    create_app=create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    help="eventwatch: `run` serves it; `users`, `tokens`, `db` and `scheduler` manage it.",
)


@cli.command("run")
def run_command() -> None:
    """Serve the app (HOST, PORT and the rest from the environment), as `python app.py`."""
    # Flask's CLI marks itself so that app.run() returns at once (it expects `flask run` to
    # serve); this command is the server, so it takes the mark off before serving.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    main()


if __name__ == "__main__":
    main()
