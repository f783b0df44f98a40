"""Examples: every planned operation called with example values, for the generated tests and docs.

Arguments come from the spec's examples where it gives them — a parameter's `example(s)`, the
request body's, a property schema's — and are made from the schemas otherwise (values.py). The
answer is the success response's example (made from its schema where there is none), likewise
the events of a streaming call, a declared error's body and the pages of a paged list. The result
is data on each `Operation.example`; the renderer writes it as Python and JSON.

One module per part of an example: `arguments` (the call), `request` (what the client sends for
it), `response` (the success answer), `events` (a stream's), `error` (a declared error answer) and
`pages` (a paged list); each reads the operation's `source`.
"""

from __future__ import annotations

from typing import Any

from ..ir import Api, Example
from ..values import Values
from .arguments import arguments, arguments_from
from .error import error
from .events import events
from .pages import pages
from .request import request, stream_request
from .response import response, response_from
from .source import Source


def attach_examples(document: dict[str, Any], api: Api) -> None:
    """Give every operation of `api` its example, read from the normalized `document`."""
    requests, responses = Values(document, "request"), Values(document, "response")
    for op in api.operations:
        op.example = _example(Source.of(document, op), requests, responses)


def _example(source: Source, requests: Values, responses: Values) -> Example:
    """The example of one operation: arguments made for the request side, answers for the response side."""
    op = source.op
    made = arguments(source, requests)
    given = {name: part.value for name, part in made.items()}
    answer, answer_made = response(source, responses)
    sent = request(op, given)
    return Example(
        arguments=list(given.items()),
        request=sent,
        stream_request=stream_request(op, sent),
        response=answer,
        arguments_from=arguments_from(list(made.values())),
        response_from=response_from(answer_made),
        events=events(source, responses) if op.stream else [],
        error=error(source, responses),
        pages=pages(op, answer, sent, given) if op.pagination and not op.stream else None,
    )


def counts(api: Api) -> dict[str, int]:
    """How many operations take their arguments and answers from the spec's examples."""
    found: dict[str, int] = {}
    for op in api.operations:
        if op.example is not None:
            found[f"arguments:{op.example.arguments_from}"] = found.get(f"arguments:{op.example.arguments_from}", 0) + 1
            found[f"response:{op.example.response_from}"] = found.get(f"response:{op.example.response_from}", 0) + 1
    return dict(sorted(found.items()))
