"""IR: plain dataclasses describing the client to generate, with every name already made safe."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .names import ClassName, PyName
from .typeexpr import NONE, ListOf, Name, TypeExpr, UnionOf, optional, render

# What the generated package's __init__.py exports besides the two client classes.
PACKAGE_EXPORTS = (
    "APIConnectionError", "APIError", "APIResponse", "APIResponseValidationError", "APIStatusError", "APITimeoutError",
    "APIStreamError", "AsyncStream", "AuthenticationError", "BadRequestError", "ConflictError", "InternalServerError", "NOT_GIVEN",
    "NotFoundError", "NotGiven", "PayloadTooLargeError", "PaymentRequiredError", "PermissionDeniedError", "RateLimitError",
    "Stream", "UnprocessableEntityError", "models", "params",
)
# What _client.py imports or defines beside the client classes (templates/package/client.py.jinja).
CLIENT_MODULE_NAMES = (
    "Callable", "Mapping", "Timeout", "SyncAPIClient", "AsyncAPIClient",
    "DEFAULT_MAX_RETRIES", "DEFAULT_TIMEOUT", "DEFAULT_BASE_URL", "API_KEY_ENV", "BASE_URL_ENV", "LOG_ENV", "Sequence",
)
Location = Literal["path", "query", "header", "cookie", "body", "file"]
BodyKind = Literal["none", "json", "json-value", "multipart", "form"]


def cast_expression(annotation: TypeExpr) -> str:
    """The runtime expression a body is parsed into; a union is not a `type`, so it is cast."""
    if annotation == NONE:
        return "type(None)"
    if isinstance(annotation, UnionOf):
        return f"cast(Any, {render(annotation)})"
    return render(annotation)


@dataclass(frozen=True)
class Param:
    """One keyword argument of a generated method."""

    name: PyName
    wire_name: str
    location: Location
    annotation: TypeExpr
    required: bool
    description: str = ""
    deprecated: bool = False


@dataclass(frozen=True)
class ResponseHeader:
    """One header the spec declares for an operation's success response, read as its schema's type."""

    name: PyName  # the attribute of the operation's headers class
    wire_name: str
    kind: Literal["str", "int", "float", "bool"]
    many: bool  # an array: the comma-separated values of OpenAPI's `simple` style
    description: str = ""

    @property
    def annotation(self) -> TypeExpr:
        """None when the response lacks the header or its value is not of the declared type."""
        return optional(ListOf(Name(self.kind)) if self.many else Name(self.kind))


@dataclass(frozen=True)
class Stream:
    """How an operation streams: the boolean argument that turns it on and the event type."""

    parameter: PyName | None  # None: the operation always streams
    event_type: TypeExpr

    @property
    def cast_to(self) -> str:
        return cast_expression(self.event_type)


@dataclass(frozen=True)
class Signature:
    """One signature of a generated method: an `@overload`, or the implementation.

    Type checkers see a deprecation only through the signature a call matches, so an operation
    with deprecated optional arguments gets an overload without them and a `@deprecated` one with
    them; a stream flag multiplies these by its `Literal[False]`/`Literal[True]`/`bool` forms.
    """

    required: tuple[Param, ...]
    optional: tuple[Param, ...]
    stream_flag: str | None  # annotation (and default) of the stream flag; None: no flag
    returns: Literal["result", "stream", "either"]
    deprecated: str | None  # the message type checkers show for a call matching this signature


@dataclass
class Pagination:
    """How a list operation pages: which argument moves through the pages and where the items are."""

    kind: Literal["offset", "page", "cursor"]
    parameter: PyName  # the offset, page number or cursor argument
    limit: PyName | None  # the page size argument (offset and page kinds): a short page is the last
    results: tuple[str, ...]  # wire names leading from the response to the list of items
    next_cursor: tuple[str, ...]  # cursor kind: wire names leading to the next page's cursor
    item_type: TypeExpr
    method: PyName = PyName("")  # the iterating method, named once all of the resource's are known


@dataclass
class Example:
    """One operation called with example values, what goes over the wire, and what comes back.

    Values are JSON data from the spec's examples or made from its schemas (see orgen.examples); an
    upload is a `(filename, bytes, content type)` tuple. `request` and `response` describe the
    exchange as a test checks it: `request` has `method`, `path` and, where given, `query`,
    `headers`, `json`, `form` and `files` by wire name; `response` has `status`, `content_type`
    and `body`.
    """

    arguments: list[tuple[PyName, object]]
    request: dict[str, object]
    response: dict[str, object]
    arguments_from: Literal["spec", "schema", "mixed", "none"] = "none"
    response_from: Literal["spec", "schema", "none"] = "none"
    events: list[object] = field(default_factory=list)  # each event's data, when the operation streams
    stream_request: dict[str, object] | None = None  # `request` with the stream flag set, if it has one
    error: dict[str, object] | None = None  # status, exception, body: a declared error answer
    pages: dict[str, object] | None = None  # bodies of successive pages, and the next page's argument

    def call(self, head: str, indent: int, overrides: dict[str, object] | None = None, tail: str = "") -> str:
        """`head(arguments)tail`, a statement at `indent` spaces, laid out as black lays it out (see
        `layout.laid_out_call`); `overrides` as for `call_arguments`."""
        from .layout import laid_out_call

        return laid_out_call(head, dict(self.arguments) | dict(overrides or {}), indent, tail)

    def call_arguments(self, indent: int, overrides: dict[str, object] | None = None) -> str:
        """The keyword arguments as Python source inside a call's parentheses, one per line when
        they do not fit on one; `overrides` replace or add arguments (a stream flag, a page size)."""
        from .escape import pretty

        given = dict(self.arguments) | dict(overrides or {})
        if not given:
            return ""
        flat = ", ".join(f"{name}={pretty(value, width=1_000_000)}" for name, value in given.items())
        if len(flat) + indent <= 60:
            return flat
        inner = " " * (indent + 4)
        return "\n" + "".join(f"{inner}{name}={pretty(value, indent + 4)},\n" for name, value in given.items()) + " " * indent


@dataclass
class Operation:
    """One HTTP operation, as one method on one resource."""

    operation_id: str
    method: str
    path: str
    resource: PyName
    name: PyName
    summary: str
    description: str
    params: list[Param]
    # json: object fields as kwargs; json-value: one `body` kwarg; multipart/form: fields and files
    body: BodyKind
    response_type: TypeExpr  # e.g. the model `CompletionResponse`, or `None`
    stream: Stream | None = None
    deprecated: bool = False
    # The Accept header for a success body that is not JSON (e.g. "audio/*"); None: the client's default
    accept: str | None = None
    # Declared JSON error bodies: status ("404", "4XX" or "default") -> annotation of its model
    errors: list[tuple[str, TypeExpr]] = field(default_factory=list)
    pagination: Pagination | None = None
    example: Example | None = None  # set after planning, from the spec's examples (orgen.examples)
    response_headers: list[ResponseHeader] = field(default_factory=list)
    headers_class: ClassName | None = None  # the class reading `response_headers`, named per resource

    @property
    def call(self) -> str:
        return f"{self.resource}.{self.name}"

    @property
    def required_params(self) -> list[Param]:
        return [p for p in self.params if p.required]

    @property
    def optional_params(self) -> list[Param]:
        return [p for p in self.params if not p.required and p.name != (self.stream.parameter if self.stream else None)]

    @property
    def deprecation(self) -> str | None:
        """The message of the operation's `DeprecationWarning`; None when it is not deprecated."""
        return f"client.{self.call} is deprecated" if self.deprecated else None

    @property
    def deprecated_params(self) -> list[Param]:
        """Deprecated arguments: passing one warns at run time (names and wire names stay data)."""
        return [p for p in self.params if p.deprecated]

    @property
    def overloads(self) -> list[Signature]:
        """The `@overload`s of the method, in the order type checkers try them; [] for a plain method."""
        flags: list[tuple[str | None, Literal["result", "stream", "either"]]] = [(None, "stream" if self.stream else "result")]
        if self.stream and self.stream.parameter:
            flags = [("Literal[False] | NotGiven = NOT_GIVEN", "result"), ("Literal[True]", "stream"), ("bool", "either")]
        legacy = [p for p in self.optional_params if p.deprecated]
        if not legacy:
            return [] if len(flags) == 1 else [self._signature(flag, returns, self.optional_params, self.deprecation) for flag, returns in flags]
        current = [p for p in self.optional_params if not p.deprecated]
        names = ", ".join(p.name for p in legacy)
        message = self.deprecation or f"argument{'s' if len(legacy) > 1 else ''} {names} of client.{self.call} {'are' if len(legacy) > 1 else 'is'} deprecated"
        return [
            signature
            for flag, returns in flags
            for signature in (self._signature(flag, returns, current, self.deprecation), self._signature(flag, returns, self.optional_params, message))
        ]

    @property
    def implementation(self) -> Signature:
        """The signature of the method's body: every argument."""
        if self.stream and self.stream.parameter:
            return self._signature("bool | NotGiven = NOT_GIVEN", "either", self.optional_params, self.deprecation)
        return self._signature(None, "stream" if self.stream else "result", self.optional_params, self.deprecation)

    def _signature(self, flag: str | None, returns: Literal["result", "stream", "either"], optional: list[Param], deprecated: str | None) -> Signature:
        return Signature(tuple(self.required_params), tuple(optional), flag, returns, deprecated)

    def located(self, location: str) -> list[Param]:
        return [p for p in self.params if p.location == location]

    @property
    def cast_to(self) -> str:
        """The runtime expression the response is parsed into."""
        return cast_expression(self.response_type)

    @property
    def error_casts(self) -> list[tuple[str, str]]:
        """(status, runtime expression) of each declared error body, for the client to parse into."""
        return [(status, cast_expression(annotation)) for status, annotation in self.errors]

    @property
    def returns_union(self) -> bool:
        """A union result comes back typed `Any` from the runtime and is cast to the annotation."""
        return isinstance(self.response_type, UnionOf)

    @property
    def docstring(self) -> str:
        """Summary, description and one line per argument (raw text: the template escapes it)."""
        parts = [self.summary.strip()] if self.summary.strip() else []
        if self.description.strip() and self.description.strip() != self.summary.strip():
            parts.append(self.description.strip())
        described = [p for p in self.params if p.description.strip() or p.deprecated]
        if described:
            lines = ["Args:"] + [f"    {p.name}: {'Deprecated. ' * p.deprecated}{' '.join(p.description.split())}".rstrip() for p in described]
            parts.append("\n".join(lines))
        if self.deprecated:
            parts.append("Deprecated.")
        return "\n\n".join(parts) or f"{self.method.upper()} {self.path}"


@dataclass
class Resource:
    """A group of operations, one per tag: `client.<name>.<operation>()`."""

    name: PyName
    class_name: ClassName
    description: str
    operations: list[Operation] = field(default_factory=list)

    @property
    def docs_page(self) -> str:
        """The resource's page under docs/; not the models reference or the index, whatever its name."""
        return f"{self.name}_resource.md" if self.name in ("models", "index") else f"{self.name}.md"


@dataclass(frozen=True)
class TypedDictField:
    wire_name: str
    annotation: TypeExpr
    required: bool
    description: str = ""

    @property
    def typed_annotation(self) -> str:
        """The annotation as written inside params.py, where TypedDicts need no module prefix."""
        annotation = render(self.annotation, "params")
        return f"Required[{annotation}]" if self.required else annotation


@dataclass
class TypedDictDef:
    """A request-side shape: nested parameters may be plain dicts of this form."""

    name: ClassName
    description: str
    fields: list[TypedDictField]


@dataclass(frozen=True)
class Auth:
    """How the client authenticates: header name and scheme (None: the bare key)."""

    header: str
    scheme: str | None
    env_var: str | None


@dataclass(frozen=True)
class ModelInfo:
    """One generated model class, for the models reference page."""

    class_name: ClassName
    schema_name: str
    description: str
    kind: str  # object, enum, union, alias
    deprecated: bool = False
    deprecated_fields: tuple[str, ...] = ()  # wire names of the properties marked deprecated


@dataclass
class Api:
    """Everything the renderer needs."""

    title: str
    version: str
    description: str
    package: PyName
    distribution: str
    client_name: ClassName
    base_url: str
    auth: Auth | None
    resources: list[Resource]
    typed_dicts: list[TypedDictDef]
    models: list[ModelInfo]
    model_document: dict[str, object]  # what the models stage generates pydantic classes from

    package_version: str = "0.1.0"
    client_headers: list[tuple[PyName, str]] = field(default_factory=list)  # option -> header
    retry_error_codes: tuple[int, ...] = ()
    request_id_headers: tuple[str, ...] = ("x-request-id",)
    redacted_names: tuple[str, ...] = ()  # headers and JSON fields never written to logs
    configured_log_env: str | None = None

    @property
    def base_url_env(self) -> str:
        """`FOO_BASE_URL` beside `FOO_API_KEY`, else derived from the package name."""
        return self._env_prefix + "_BASE_URL"

    @property
    def log_env(self) -> str:
        """`FOO_LOG` beside `FOO_API_KEY` (unless configured), else derived from the package name."""
        return self.configured_log_env or self._env_prefix + "_LOG"

    @property
    def _env_prefix(self) -> str:
        if self.auth and self.auth.env_var and self.auth.env_var.endswith("_API_KEY"):
            return self.auth.env_var.removesuffix("_API_KEY")
        return self.package.upper()

    @property
    def test_base_url_env(self) -> str:
        """Where the generated tests read a server's base URL from (unset: they mock the API)."""
        return f"{self.package.upper()}_TEST_BASE_URL"

    @property
    def user_agent(self) -> str:
        return f"{self.package}/{self.package_version} (python; generated by orgen)"

    @property
    def operations(self) -> list[Operation]:
        return [op for resource in self.resources for op in resource.operations]
