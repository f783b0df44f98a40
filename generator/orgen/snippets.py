"""Snippets: the runnable Python examples of the docs and README, written from each operation's example."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .ir import Api, Operation


@dataclass(frozen=True)
class Snippet:
    """An operation's example: the code (sync, and async where iteration differs), the answer as JSON."""

    code: str
    paging_code: str  # iterating over every page, "" for an operation that does not page
    async_code: str  # "" when the async form only adds `await`
    response: str  # the example answer as JSON, "" when it is not JSON


def snippet(api: Api, op: Operation) -> Snippet:
    """The docs example of `op`: a complete program calling it with the example's values."""
    example = op.example
    assert example is not None
    client = api.client_name
    head = f"from {api.package} import {client}\n\nclient = {client}()\n"
    arguments = example.call_arguments(0)
    lines: list[str] = []
    async_body = paging = ""
    if op.stream and not op.stream.parameter:
        lines += [f"for event in client.{op.call}({arguments}):", "    print(event)"]
        async_body = f"async for event in await client.{op.call}({example.call_arguments(8)}):\n            print(event)"
    else:
        lines += [f"result = client.{op.call}({arguments})", "print(result)"]
        if op.stream and op.stream.parameter:
            streamed = example.call_arguments(0, {op.stream.parameter: True})
            lines += ["", "# Streamed: each event as it arrives", f"for event in client.{op.call}({streamed}):", "    print(event)"]
            streamed = example.call_arguments(8, {op.stream.parameter: True})
            async_body = f"async for event in await client.{op.call}({streamed}):\n            print(event)"
        if op.pagination and not op.stream:
            paging = f"# Every item of every page, each page fetched as iteration reaches it\nfor item in client.{op.resource}.{op.pagination.method}({arguments}):\n    print(item)\n"
            async_body = f"async for item in client.{op.resource}.{op.pagination.method}({example.call_arguments(8)}):\n            print(item)"
    async_code = ""
    if async_body:
        async_code = (
            f"import asyncio\n\nfrom {api.package} import Async{client}\n\n\nasync def main() -> None:\n"
            f"    async with Async{client}() as client:\n        {async_body}\n\n\nasyncio.run(main())\n"
        )
    answer = example.response if example.response.get("content_type") == "application/json" else {}
    body = answer.get("body") if answer else None
    events = example.events if op.stream and not op.stream.parameter else []
    shown = body if body is not None else (events[0] if events else None)
    response = json.dumps(shown, indent=2, ensure_ascii=False) if shown is not None else ""
    return Snippet(head + "\n".join(lines) + "\n", paging, async_code, response)


def quick_start(api: Api) -> Operation | None:
    """The operation the README shows first: one called with the spec's own example values,
    preferring one that can also stream (an API's central call), else the first there is."""
    candidates = [op for op in api.operations if op.example is not None and not (op.stream and not op.stream.parameter)]

    def rank(op: Operation) -> tuple[bool, bool, bool]:
        assert op.example is not None
        return (op.example.arguments_from != "spec", op.stream is None, not op.required_params)

    return min(candidates, key=rank) if candidates else None


def fence(text: str) -> str:
    """A Markdown code fence longer than any run of backticks in `text`."""
    longest, run = 0, 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return "`" * max(3, longest + 1)
