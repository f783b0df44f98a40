"""Every operation of the full OpenRouter spec, called through the generated client against Prism.

Each call passes only the required arguments, with values built from the spec's schemas. A call
conforms when Prism's request validation accepts it (no request violation, no 4xx) and the client
turns the mocked response into the declared return type (bytes for binary bodies, a stream whose
first event parses for streaming calls).

Causes outside orgen are recorded explicitly: SPEC_EXAMPLE_DEFECTS lists operations whose spec
example contradicts its own schema, KNOWN_STREAM_FAILURES what Prism cannot mock (marked
`xfail(strict=True, raises=PrismLimitation)`). Anything else that fails is a failure.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from .calls import Call, CallBuilder, conforms, declared_type, planned_operations, spec_operations
from .conftest import PACKAGE, ROOT, SPEC, Exchange, PrismServer, Recorder, async_client, load_spec

pytestmark = pytest.mark.conformance

DOCUMENT = load_spec()
OPERATIONS = {str(op["operationId"]): (path, method, op) for path, method, op in spec_operations(DOCUMENT)}
# orgen's plan for the spec: which keyword argument carries which wire parameter, and the return types.
PLANNED = planned_operations(ROOT, SPEC, PACKAGE)
STREAMING = sorted(op_id for op_id, op in PLANNED.items() if op.stream is not None)

# Asks Prism for a body generated from the response schema instead of the spec's example.
FROM_SCHEMA = {"Prefer": "dynamic=true, seed=conformance"}


class SpecDefect(AssertionError):
    """The spec contradicts itself: Prism serves its example, and the example breaks the schema."""


class PrismLimitation(AssertionError):
    """Prism cannot produce what the spec describes."""


@dataclass(frozen=True)
class Known:
    """Why an operation cannot conform here. Only causes outside orgen belong in this table."""

    error: type[AssertionError]
    reason: str


def _example_lacks(what: str) -> str:
    return f"the spec's 200 example has no {what}, which its response schema requires"


_FILE_SHAPE = _example_lacks("`_shape` (the tag of the file-shape union)")
_MODEL_LIST = _example_lacks("`total_count` and no `links`")

# operationId -> how the spec's own response example breaks the response schema. Prism serves that
# example; whether the client copes depends on how strictly the models read it, so these calls are
# expected to fail only for that reason (then reported as xfailed), and the defect must still be
# there (else the entry is stale). test_sync_operation_with_schema_generated_response covers them
# with a response Prism generates from the schema instead.
SPEC_EXAMPLE_DEFECTS: dict[str, str] = {
    "getGeneration": _example_lacks("`data.workspace_id`"),
    "getModels": _MODEL_LIST,
    "listModelsUser": _MODEL_LIST,
    "listEmbeddingsModels": _MODEL_LIST,
    "listVideosModels": _example_lacks("`data[].upscale_factor` and no `data[].creativity`"),
    "listFiles": _example_lacks("`_shape` (the tag of the file-shape union) on the list or on its items"),
    "getFileMetadata": _FILE_SHAPE,
    "uploadFile": _FILE_SHAPE,
    "deleteFile": _FILE_SHAPE,
}

_NO_SSE = Known(
    PrismLimitation,
    "Prism 5 has no Server-Sent Events support: it sends a text/event-stream body only when the example "
    "is a string, and this spec gives each event as an object ({data: ...}), so Prism answers 500 "
    "NO_COMPLEX_OBJECT_TEXT (covered by test_sync_stream_with_sse_examples instead)",
)
# operationId -> why its `stream=True` call cannot pass against Prism serving the spec as it is.
KNOWN_STREAM_FAILURES: dict[str, Known] = {
    "createImages": _NO_SSE,
    "createMessages": _NO_SSE,
    "createResponses": _NO_SSE,
    "sendChatCompletionRequest": _NO_SSE,
}

# A spread of call shapes for the async client: no arguments, path and query arguments, JSON and
# multipart bodies, union and binary results, and every HTTP method.
ASYNC_SAMPLE = [
    "getCredits",
    "getModel",
    "listGenerationContent",
    "sendChatCompletionRequest",
    "uploadFile",
    "listFiles",
    "downloadFileContent",
    "upsertWorkspaceBudget",
    "updateGuardrail",
    "deleteScimGroupMapping",
    "createAudioSpeech",
]


def _params(ids: list[str], known: dict[str, Known]) -> list[Any]:
    params = []
    for operation_id in ids:
        marks = []
        if operation_id in known:
            entry = known[operation_id]
            marks.append(pytest.mark.xfail(strict=True, raises=entry.error, reason=f"{entry.error.__name__}: {entry.reason}"))
        params.append(pytest.param(operation_id, marks=marks, id=operation_id))
    return params


@pytest.fixture(scope="session")
def builder() -> CallBuilder:
    return CallBuilder(DOCUMENT)


@pytest.fixture(scope="session")
def calls(manifest: dict[str, Any]) -> dict[str, str]:
    """operationId -> `resource.method`, as the build's manifest lists them."""
    return {entry["operation_id"]: entry["call"] for entry in manifest["operations"]}


def _describe(exchange: Exchange | None) -> str:
    if exchange is None:
        return "no HTTP exchange was recorded"
    lines = [f"{exchange.method} {exchange.url} -> {exchange.status} ({exchange.content_type})"]
    lines += [f"  {'.'.join(map(str, v.get('location', [])))}: {v.get('message')}" for v in exchange.violations]
    return "\n".join(lines)


def _method(client: Any, call: str) -> Any:
    resource, name = call.split(".")
    return getattr(getattr(client, resource), name)


def _prepare(operation_id: str, builder: CallBuilder) -> Call:
    path, _, operation = OPERATIONS[operation_id]
    return builder.build(path, operation, PLANNED[operation_id])


def _explain(error: BaseException, recorder: Recorder) -> AssertionError:
    """The failure of a call, classified by what went over the wire."""
    exchange = recorder.last
    detail = f"{type(error).__name__}: {error}\n{_describe(exchange)}"[:4000]
    if exchange is not None and not exchange.request_errors and 200 <= exchange.status < 300 and exchange.response_errors:
        return SpecDefect(detail)
    if exchange is not None and exchange.status >= 500 and "stoplight.io/prism/errors" in str(error):
        return PrismLimitation(detail)
    return AssertionError(detail)


def _check(result: Any, expected: Any, recorder: Recorder) -> None:
    exchange = recorder.last
    assert exchange is not None, "the client sent no request"
    assert not exchange.request_errors, f"Prism rejected the request:\n{_describe(exchange)}"
    assert 200 <= exchange.status < 300, f"unexpected status:\n{_describe(exchange)}"
    assert conforms(result, expected), (
        f"the client returned {type(result).__name__}, not {expected!r}:\n{_describe(exchange)}\n{result!r}"[:4000]
    )
    if expected is bytes:
        assert result, "the binary response body is empty"


def _call(client: Any, operation_id: str, builder: CallBuilder, calls: dict[str, str], recorder: Recorder, **extra: Any) -> None:
    call = _prepare(operation_id, builder)
    try:
        result = _method(client, calls[operation_id])(**call.kwargs, **extra)
    except Exception as error:
        raise _explain(error, recorder) from error
    _check(result, declared_type(PACKAGE, PLANNED[operation_id]), recorder)


def _stream(
    client: Any, package: ModuleType, operation_id: str, builder: CallBuilder, calls: dict[str, str], recorder: Recorder
) -> None:
    op = PLANNED[operation_id]
    assert op.stream is not None
    call = _prepare(operation_id, builder)
    if op.stream.parameter is not None:
        call.kwargs[op.stream.parameter] = True
    try:
        stream = _method(client, calls[operation_id])(**call.kwargs)
    except Exception as error:
        raise _explain(error, recorder) from error
    assert isinstance(stream, package.Stream), f"not a Stream: {stream!r}"
    with stream:
        try:
            first = next(stream)
        except Exception as error:
            raise _explain(error, recorder) from error
    _check(first, declared_type(PACKAGE, op, op.stream.event_type), recorder)


# -- the tests --------------------------------------------------------------------------------------


def test_manifest_lists_every_spec_operation(manifest: dict[str, Any]) -> None:
    listed = {entry["operation_id"]: (entry["method"], entry["path"]) for entry in manifest["operations"]}
    expected = {op_id: (method.upper(), path) for op_id, (path, method, _) in OPERATIONS.items()}
    assert listed == expected
    assert len(listed) == 97


def test_required_arguments_match_the_spec(builder: CallBuilder) -> None:
    """A method's required keyword arguments are exactly the parameters the spec requires."""
    mismatches = []
    for operation_id in OPERATIONS:
        call = _prepare(operation_id, builder)
        planned = PLANNED[operation_id]
        ours = {("body" if p.location == "file" else p.location, p.wire_name) for p in planned.required_params}
        if ours != call.spec_required:
            mismatches.append(f"{operation_id}: generated {sorted(ours)} != spec {sorted(call.spec_required)}")
    assert not mismatches, "\n".join(mismatches)


def test_prism_rejects_an_invalid_request(
    client: Any, package: ModuleType, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]
) -> None:
    """The suite's premise: a request the spec forbids is refused with a 4xx and request violations."""
    call = _prepare("createKeys", builder)
    name = next(p.name for p in PLANNED["createKeys"].params if p.wire_name == "name")
    call.kwargs[name] = 12345  # the spec wants a string
    with pytest.raises(package.APIStatusError) as raised:
        _method(client, calls["createKeys"])(**call.kwargs)
    assert 400 <= raised.value.status_code < 500
    assert recorder.last is not None and recorder.last.request_errors, _describe(recorder.last)


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_sync_operation(operation_id: str, client: Any, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]) -> None:
    defect = SPEC_EXAMPLE_DEFECTS.get(operation_id)
    try:
        _call(client, operation_id, builder, calls, recorder)
    except SpecDefect:
        if defect is None:
            raise  # a new contradiction in the spec: look at it, then list it
        pytest.xfail(f"SpecDefect: {defect}")
    if defect is not None:
        assert recorder.last is not None and recorder.last.response_errors, (
            f"{operation_id}: the example now matches its schema; remove it from SPEC_EXAMPLE_DEFECTS"
        )


@pytest.mark.parametrize("operation_id", sorted(SPEC_EXAMPLE_DEFECTS))
def test_sync_operation_with_schema_generated_response(
    operation_id: str, client: Any, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]
) -> None:
    """Where the spec's example breaks its schema, a body Prism generates from the schema parses."""
    _call(client, operation_id, builder, calls, recorder, extra_headers=FROM_SCHEMA)


@pytest.mark.parametrize("operation_id", _params(STREAMING, KNOWN_STREAM_FAILURES))
def test_sync_stream(
    operation_id: str, client: Any, package: ModuleType, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]
) -> None:
    _stream(client, package, operation_id, builder, calls, recorder)


@pytest.mark.parametrize("operation_id", STREAMING)
def test_sync_stream_with_sse_examples(
    operation_id: str, sse_client: Any, package: ModuleType, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]
) -> None:
    """`stream=True` against the spec with its event examples written as SSE text: the first event parses."""
    _stream(sse_client, package, operation_id, builder, calls, recorder)


@pytest.mark.parametrize("operation_id", ASYNC_SAMPLE)
def test_async_operation(
    operation_id: str, package: ModuleType, prism: PrismServer, recorder: Recorder, builder: CallBuilder, calls: dict[str, str]
) -> None:
    call = _prepare(operation_id, builder)
    # Operations whose example contradicts the schema get a schema-generated body (see SPEC_EXAMPLE_DEFECTS).
    extra = {"extra_headers": FROM_SCHEMA} if operation_id in SPEC_EXAMPLE_DEFECTS else {}

    async def main() -> Any:
        async with async_client(package, prism, recorder) as client:
            return await _method(client, calls[operation_id])(**call.kwargs, **extra)

    try:
        result = asyncio.run(main())
    except Exception as error:
        raise _explain(error, recorder) from error
    _check(result, declared_type(PACKAGE, PLANNED[operation_id]), recorder)
