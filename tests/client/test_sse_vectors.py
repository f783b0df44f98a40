"""The SSE decoder on the vectors of sse_vectors.py: fed whole, one byte at a time, and cut in two at
every byte, it yields the same events."""

from __future__ import annotations

import pytest
from openrouter_client._streaming import ServerSentEvent, SSEDecoder

from .sse_vectors import VECTORS, Vector


def decode(chunks: list[bytes]) -> list[tuple[str, str, str | None, int | None]]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    return [(event.event, event.data, event.id, event.retry) for event in events]


def expected(vector: Vector) -> list[tuple[str, str, str | None, int | None]]:
    return [(event.event, event.data, event.id, event.retry) for event in vector.events]


@pytest.mark.parametrize("vector", VECTORS, ids=[vector.name for vector in VECTORS])
def test_vector_fed_whole(vector: Vector) -> None:
    assert decode([vector.stream]) == expected(vector)


@pytest.mark.parametrize("vector", VECTORS, ids=[vector.name for vector in VECTORS])
def test_vector_fed_byte_by_byte(vector: Vector) -> None:
    stream = vector.stream
    assert decode([stream[i : i + 1] for i in range(len(stream))]) == expected(vector)


@pytest.mark.parametrize("vector", [v for v in VECTORS if len(v.stream) < 2048], ids=lambda v: v.name)
def test_vector_cut_in_two_at_every_byte(vector: Vector) -> None:
    stream = vector.stream
    for cut in range(len(stream) + 1):
        assert decode([stream[:cut], stream[cut:]]) == expected(vector), f"cut at {cut}"


def test_empty_chunks_change_nothing() -> None:
    assert decode([b"", b"data: a", b"", b"\n", b"", b"\n", b""]) == [("message", "a", None, None)]
