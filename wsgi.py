"""The production web process: gevent, one gunicorn worker, Socket.IO over gevent-websocket.

    flask --app app db upgrade    # once per release; this module does not migrate
    REDIS_URL=redis://127.0.0.1:6379/0 gunicorn -w 1 --worker-connections 5000 \\
        -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -b 127.0.0.1:8000 wsgi:app
    REDIS_URL=redis://127.0.0.1:6379/0 flask --app app scheduler    # the one scheduler

One worker per process: Socket.IO keeps its rooms in the process, so more web processes
need REDIS_URL and sticky sessions in front. `python app.py` stays the threading default.
Use PostgreSQL (DATABASE_URL) here: on SQLite, a greenlet that yields inside a transaction
(on_join emits its snapshot through Redis before it rolls back) while another begins one
blocks the whole worker in SQLite's busy wait until gunicorn kills it (bench/FANOUT.md).
"""

from gevent import monkey

monkey.patch_all()  # before anything imports socket, ssl, threading or time

import gc  # noqa: E402
import os  # noqa: E402

os.environ.setdefault("SOCKETIO_ASYNC_MODE", "gevent")

from app import create_app  # noqa: E402

app = create_app()
# The ~400,000 objects of the imports (pandas, geopandas, ...) never die: keeping them out
# of full collections turns 150-250 ms pauses of every socket into a few tens of ms.
gc.freeze()
