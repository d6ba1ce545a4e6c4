"""Extension objects, created unbound here and bound to the app in create_app."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from storage import Base

db = SQLAlchemy(model_class=Base)
socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()


def new_scheduler() -> BackgroundScheduler:
    """A scheduler whose jobs never run twice at once and whose misfires coalesce."""
    return BackgroundScheduler(
        timezone="UTC",
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
