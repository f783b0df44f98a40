"""Test vectors for the SSE decoder: the WHATWG `text/event-stream` parsing rules, and streams that
users of other SDKs reported as mis-parsed. Each is a byte stream and the events it must yield."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@dataclass(frozen=True)
class Vector:
    name: str
    stream: bytes
    events: list[Event] = field(default_factory=list)


VECTORS = [
    # --- WHATWG HTML, "Interpreting an event stream" ------------------------------------------
    Vector("one event, LF", b"data: hello\n\n", [Event("hello")]),
    Vector("CRLF line ends", b"data: hello\r\n\r\n", [Event("hello")]),
    Vector("lone CR line ends", b"data: hello\r\r", [Event("hello")]),
    Vector("mixed line ends", b"data: a\r\n\rdata: b\n\r\ndata: c\r\n", [Event("a"), Event("b")]),
    Vector("multi-line data joined by LF", b"data: one\ndata: two\ndata: three\n\n", [Event("one\ntwo\nthree")]),
    Vector("only one leading space is removed", b"data:  two spaces\n\n", [Event(" two spaces")]),
    Vector("no space after the colon", b"data:tight\n\n", [Event("tight")]),
    Vector("a field name alone means an empty value", b"data\n\n", [Event("")]),
    Vector("empty data lines still count", b"data\ndata\n\n", [Event("\n")]),
    Vector("data with a trailing empty line", b"data: a\ndata:\n\n", [Event("a\n")]),
    Vector("comments are ignored", b": keep-alive\n:\ndata: x\n\n", [Event("x")]),
    Vector("a comment alone dispatches nothing", b": only a comment\n\n", []),
    Vector("unknown fields are ignored", b"foo: bar\ndata: x\nbaz\n\n", [Event("x")]),
    Vector("field names are case-sensitive", b"Data: x\nDATA: y\n\n", []),
    Vector("event sets the type of one event", b"event: add\ndata: 1\n\ndata: 2\n\n", [Event("1", "add"), Event("2")]),
    Vector("an empty event field means message", b"event:\ndata: x\n\n", [Event("x")]),
    Vector("an event without data is not dispatched", b"event: ping\n\ndata: x\n\n", [Event("x")]),
    Vector("the id persists across events", b"id: 7\ndata: a\n\ndata: b\n\n", [Event("a", id="7"), Event("b", id="7")]),
    Vector("an empty id resets it", b"id: 7\ndata: a\n\nid\ndata: b\n\n", [Event("a", id="7"), Event("b", id="")]),
    Vector("an id containing NUL is ignored", b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n", [Event("a", id="1"), Event("b", id="1")]),
    Vector("retry takes ASCII digits", b"retry: 1500\ndata: a\n\n", [Event("a", retry=1500)]),
    Vector("a retry that is not all digits is ignored", b"retry: 15x\ndata: a\n\nretry: -1\ndata: b\n\n", [Event("a"), Event("b")]),
    Vector("retry with non-ASCII digits is ignored", "retry: \u0661\u0662\ndata: a\n\n".encode(), [Event("a")]),
    Vector("a leading byte-order mark is dropped", b"\xef\xbb\xbfdata: x\n\n", [Event("x")]),
    Vector("only the first byte-order mark is dropped", b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n", []),
    Vector("a byte-order mark later is data", b"data: \xef\xbb\xbfx\n\n", [Event("\ufeffx")]),
    Vector("an unfinished event at the end is dropped", b"data: a\n\ndata: unfinished\n", [Event("a")]),
    Vector("an unfinished line at the end is dropped", b"data: a\n\ndata: b", [Event("a")]),
    Vector("blank lines between events dispatch nothing", b"\n\n\ndata: a\n\n\n\n", [Event("a")]),
    Vector("a colon in the value is kept", b"data: a: b: c\n\n", [Event("a: b: c")]),
    Vector("UTF-8 is decoded", "data: héllo → 世界 🎉\n\n".encode(), [Event("héllo → 世界 🎉")]),
    Vector("invalid UTF-8 is replaced", b"data: a\xffb\n\n", [Event("a\ufffdb")]),
    Vector("the event type is decoded as UTF-8", "event: état\ndata: x\n\n".encode(), [Event("x", "état")]),
    # --- cases users of other SDKs reported --------------------------------------------------
    # openai-python, anthropic-sdk-python: the terminal sentinel and keep-alive comments.
    Vector("OpenAI style stream", b'data: {"a":1}\n\ndata: [DONE]\n\n', [Event('{"a":1}'), Event("[DONE]")]),
    Vector("OpenRouter processing comments", b': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {"x":1}\n\n', [Event('{"x":1}')]),
    # Anthropic-style typed events, and error events sent as `event: error`.
    Vector("named events with JSON", b'event: message_start\ndata: {"type":"message_start"}\n\nevent: error\ndata: {"type":"error"}\n\n',
           [Event('{"type":"message_start"}', "message_start"), Event('{"type":"error"}', "error")]),
    # Proxies that rewrite line ends: CRLF everywhere, CR-only from old servers.
    Vector("CRLF between events from a proxy", b'data: {"a":1}\r\n\r\ndata: {"a":2}\r\n\r\n', [Event('{"a":1}'), Event('{"a":2}')]),
    Vector("CR-only events", b"data: a\r\rdata: b\r\r", [Event("a"), Event("b")]),
    # JSON that carries escaped newlines must not be split.
    Vector("escaped newlines stay in the data", b'data: {"text":"a\\nb\\r\\nc"}\n\n', [Event('{"text":"a\\nb\\r\\nc"}')]),
    # Servers that omit the space, or pad with extra ones (vercel/ai, fetch-event-source issues).
    Vector("data:[DONE] without a space", b"data:[DONE]\n\n", [Event("[DONE]")]),
    # A streamed base64 image arrives as one very long data line.
    Vector("a long data line", b"data: " + b"A" * 70_000 + b"\n\n", [Event("A" * 70_000)]),
    # An event that ends with the stream's last bytes, with the blank line.
    Vector("last event ends exactly at the end", b"data: a\n\ndata: b\n\n", [Event("a"), Event("b")]),
    # Field lines between data lines do not break the event.
    Vector("id between data lines", b"data: a\nid: 3\ndata: b\n\n", [Event("a\nb", id="3")]),
    # A CR at the end of one chunk and the LF at the start of the next is one line end.
    Vector("CRLF around an empty line", b"data: a\r\n\r\ndata: b\r\n\r\n", [Event("a"), Event("b")]),
]
