"""Prometheus metrics. Labels name message types and outcomes only, never a person."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.connections = Gauge("circle_connections", "Open websocket connections", registry=r)
        self.rooms = Gauge("circle_rooms_live", "Sessions loaded in this hub", registry=r)
        self.commands = Counter(
            "circle_commands", "Commands handled", ["type", "outcome"], registry=r
        )
        self.events = Counter("circle_events", "Events committed", ["type"], registry=r)
        self.rejected_frames = Counter(
            "circle_frames_rejected", "Frames refused at the edge", ["reason"], registry=r
        )
        self.conflicts = Counter(
            "circle_append_conflicts",
            "Appends another hub beat to the session's next seq (decided again)",
            registry=r,
        )
        self.database_up = Gauge(
            "circle_database_up", "1 while the shared database answers, 0 in an outage", registry=r
        )
        self.dropped_slow = Counter(
            "circle_slow_clients_dropped", "Connections dropped for not reading", registry=r
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
