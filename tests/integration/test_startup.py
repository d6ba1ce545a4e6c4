"""What `python app.py` does before serving: migrate, seed the demo once, make the admin."""

from __future__ import annotations

import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from accounts.models import User
from app import create_app, prepare
from common.times import utcnow
from common.writes import Write
from demo.seed_service import ensure_demo
from maps.live_service import publish
from planner import duty_service, event_service
from planner.models import Event, Shift, Zone
from planner.zones import ZONE_KINDS
from tests.support.browser import DemoServer
from tests.support.ci import required_in_ci
from threats.models import FeedSource
from web.extensions import db, fetcher_for


def test_first_start_seeds_the_demo_and_a_one_time_admin(tmp_path, capsys):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DEMO": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'first.db'}",
        }
    )
    prepare(app)
    printed = capsys.readouterr().out
    assert "one-time password: " in printed
    password = printed.split("one-time password: ")[1].split()[0]
    with app.app_context():
        event = db.session.scalar(select(Event))
        assert event.name == "Chicago Air and Water Show"
        zones = db.session.scalars(select(Zone).where(Zone.event_id == event.id)).all()
        assert len(zones) >= 8 and {z.kind for z in zones} <= set(ZONE_KINDS)
        assert {"crowd", "water", "airspace", "command_post"} <= {z.kind for z in zones}
        assert all(50 < z.area_m2 < 20e6 for z in zones)
        shifts = db.session.scalars(select(Shift).where(Shift.event_id == event.id)).all()
        now = utcnow()
        in_force = [s for s in shifts if s.starts_at <= now < s.ends_at]
        assert len(in_force) == 1  # the demo runs now, whatever the hour
        local = ZoneInfo(event.timezone)
        assert {s.starts_at.astimezone(local).hour for s in shifts} == {7, 19}
        assert event.starts_at <= now < event.ends_at
        live = duty_service.coverage(db.session, event, now)["zones"].values()
        assert sum(z["on_duty"] for z in live) > 50  # people checked in for this watch
        statuses = {z["status"] for z in live}
        assert {"covered", "short"} <= statuses, statuses
        feed = db.session.scalar(select(FeedSource))
        assert feed.url.endswith("/demo/feed/cap.atom") and feed.kind == "cap-atom"
        admin = db.session.scalar(select(User))
        assert admin.role == "admin" and admin.must_change_password
        assert password not in admin.password_hash
        db.session.remove()
    prepare(app)  # a second start changes nothing and prints no password
    assert "one-time password" not in capsys.readouterr().out
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 1
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        db.session.remove()
        db.engine.dispose()


def test_a_demo_opened_days_later_runs_now_again(tmp_path):
    """Started again a week on, the demo's watches move to the new today (keeping their
    wall-clock hours), and the watch now in force has people on duty."""
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "DEMO": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'later.db'}",
        }
    )
    prepare(app)
    later = utcnow() + timedelta(days=7, hours=5)
    with app.app_context():
        w = Write(db.session, "eventwatch", later, publish)
        demo = db.session.scalar(select(Event))
        soon = {"starts_at": (utcnow() + timedelta(hours=30)).isoformat()}
        soon["ends_at"] = (utcnow() + timedelta(hours=31)).isoformat()
        event_service.create_shift(w, demo, {"name": "Fireworks"} | soon)  # a planner's own
        event = ensure_demo(w, "http://127.0.0.1:5000/demo/feed/cap.atom", 10, fetcher_for(app))
        db.session.commit()
        in_force = [s for s in event.shifts if s.starts_at <= later < s.ends_at]
        assert len(in_force) == 1
        local = later.astimezone(ZoneInfo(event.timezone))
        assert in_force[0].name.split()[0] in (f"{local:%A}", f"{local - timedelta(days=1):%A}")
        assert event.starts_at <= later < event.ends_at
        assert "Fireworks" in {s.name for s in event.shifts}  # moved, but keeps its name
        live = duty_service.coverage(db.session, event, later)["zones"].values()
        assert sum(z["on_duty"] for z in live) > 10
        assert {z["status"] for z in live} - {"none"}
        db.session.remove()
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}",
        }
    )
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        db.engine.dispose()


def test_the_demo_feed_is_served_only_while_the_demo_is_on(tmp_path):
    """A real deployment (DEMO=false) has no replayed alerts at /demo/feed; the demo's
    own feed needs no login, like the public feeds it imitates."""
    for demo, status in ((True, 200), (False, 404)):
        app = create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "DEMO": demo,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}",
            }
        )
        answer = app.test_client().get("/demo/feed/cap.atom")
        assert answer.status_code == status, demo
        if demo:
            assert answer.mimetype == "application/atom+xml"
        with app.app_context():
            db.engine.dispose()


def test_the_eventwatch_command_serves_the_demo(tmp_path):
    """The README's first command ends in `eventwatch run`: the console script installed by
    `pip install -e .`, which must serve (Flask's CLI would otherwise stop app.run)."""
    command = Path(sys.executable).with_name("eventwatch")
    if not command.exists():
        required_in_ci(f"the eventwatch command is not installed beside {sys.executable}")
    server = DemoServer(tmp_path / "instance", command=[str(command), "run"])
    try:
        server.wait_ready()
        with urllib.request.urlopen(server.url + "/login", timeout=10) as answer:
            assert answer.status == 200 and b'name="password"' in answer.read()
        time.sleep(1)  # still serving a moment later, not started and stopped at once
        assert server.proc.poll() is None, "".join(server.output)
    finally:
        server.stop()
    assert server.proc.returncode == 0, "".join(server.output)
