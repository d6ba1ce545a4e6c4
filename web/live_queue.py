"""Socket.IO's message queue, with one more message: disconnect every socket in a room,
in every web process.

Rooms live in each process, so a process that revokes a credential cannot name the
sockets that other processes hold for it. It publishes one message on the queue that
Flask-SocketIO already uses (REDIS_URL) instead; every process, the sender included,
disconnects its own sockets in that room. Without REDIS_URL there is one process, and
the room is emptied there.
"""

from __future__ import annotations

import socketio


class DisconnectingRedisManager(socketio.RedisManager):
    """python-socketio's Redis queue; a close_room message marked `disconnect` also
    disconnects the room's sockets (processes that predate the mark only close it)."""

    def disconnect_room(self, namespace: str, room: str) -> None:
        message = {
            "method": "close_room",
            "room": room,
            "namespace": namespace,
            "host_id": self.host_id,
            "disconnect": True,
        }
        self._handle_close_room(message)  # here
        self._publish(message)  # and in every other process

    def _handle_close_room(self, message: dict) -> None:
        if message.get("disconnect"):
            disconnect_here(self.server, message.get("namespace") or "/", message.get("room"))
        super()._handle_close_room(message)


def disconnect_here(server: socketio.Server, namespace: str, room: str) -> None:
    """Disconnect this process's sockets in the room."""
    for sid, _eio_sid in list(server.manager.get_participants(namespace, room)):
        server.disconnect(sid, namespace=namespace, ignore_queue=True)


def disconnect_room(server: socketio.Server, namespace: str, room: str) -> None:
    """Disconnect every socket in the room, in every process that shares the queue."""
    if isinstance(server.manager, DisconnectingRedisManager):
        server.manager.disconnect_room(namespace, room)
    else:
        disconnect_here(server, namespace, room)


def options(redis_url: str | None, channel: str) -> dict:
    """What socketio.init_app takes for the queue: ours on Redis, none without one, and
    Flask-SocketIO's own for another kind of queue (sockets are then cut only in the
    process that revoked, and the others stop them at their next join)."""
    if not redis_url:
        return {}
    if redis_url.startswith(("redis://", "rediss://", "unix://")):
        return {"client_manager": DisconnectingRedisManager(redis_url, channel=channel)}
    return {"message_queue": redis_url, "channel": channel}
