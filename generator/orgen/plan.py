"""Plan: decide what the client looks like — resources, methods, arguments and their types — as IR.

Input is the normalized document (see normalize.py); output is an `ir.Api`. Every name is sanitized
here, every type expression is assembled here from safe names and escaped literals.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any, Literal

from .config import Config
from .ir import CLIENT_MODULE_NAMES, PACKAGE_EXPORTS, Api, Auth, ModelInfo, Operation, Pagination, Param, Resource, ResponseHeader, Stream, TypedDictDef, TypedDictField
from .names import ClassName, PyName, module_name, pascal, snake, unique, unique_classes, words
from .normalize import HTTP_METHODS, STREAM_EXTENSION, deref
from .pointer import follow, join
from .problems import Problems
from .typeexpr import BOOL, BYTES, FILE, FLOAT, INT, NONE, OBJECT, STR, DictOf, ListOf, LiteralOf, MappingOf, Model, Params, SequenceOf, TypeExpr, members, optional, union
from .variants import member_hint

SCHEMA_PREFIX = "#/components/schemas/"
# Names a generated method's signature or body uses; spec parameters with these names get a suffix.
# (Parameter names never shadow annotations, which are resolved in the enclosing scope.)
_METHOD_KWARGS = {
    "self", "extra_headers", "extra_query", "extra_body", "timeout", "options", "strip_not_given", "to_wire",
    "format_path", "header_values", "cast", "type",
}
# Method names share the class scope with the annotations of later methods: never a type used there.
# Containers in resource annotations are spelled `List`/`Dict`, so `list` stays a fine method name.
# The resource's own attributes (`with_raw_response`, ...) are taken too.
_METHOD_RESERVED = frozenset(
    {"str", "int", "float", "bool", "bytes", "object", "type", "cast", "overload", "with_raw_response", "with_streaming_response"}
)
# Names that the package's __init__.py and _client.py define or import besides the client classes.
_PACKAGE_NAMES = frozenset(PACKAGE_EXPORTS) | frozenset(CLIENT_MODULE_NAMES)
# File names Windows reserves for devices, whatever their extension: a module must not be one.
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul"} | {f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10)})
# Attributes of the client base class that a resource must not shadow.
_CLIENT_ATTRIBUTES = {"close", "request", "request_stream", "with_options", "base_url", "api_key", "timeout", "max_retries"}
_JSON_TYPES = re.compile(r"^application/([\w.+-]*\+)?json(;.*)?$|^\*/\*$", re.I)
# Spec extensions that name a call; orgen's own first, then the ones other generators' specs carry.
_GROUP_EXTENSIONS = ("x-orgen-resource", "x-speakeasy-group")
_NAME_EXTENSIONS = ("x-orgen-name", "x-speakeasy-name-override")
_MULTIPART = "multipart/form-data"
_FORM = "application/x-www-form-urlencoded"
_SSE = "text/event-stream"
_SSE_ENVELOPE = {"data", "event", "id", "retry"}
_VERB_NAMES = {"get": "retrieve", "post": "create", "put": "update", "patch": "update", "delete": "delete"}


class Planner:
    """Builds the IR in one pass over the normalized document."""

    def __init__(self, document: dict[str, Any], config: Config, problems: Problems, where: Any) -> None:
        self.document = document
        self.config = config
        self.problems = problems
        self.where = where  # pointer -> (file, line)
        schemas = (document.get("components") or {}).get("schemas") or {}
        self.schemas: dict[str, Any] = schemas if isinstance(schemas, dict) else {}
        self.classes: dict[str, ClassName] = unique_classes(self.schemas)
        self.taken_classes: set[str] = set(self.classes.values())
        self.hoisted: dict[str, ClassName] = {}  # pointer of an inline schema -> its model class
        self.model_schemas: dict[str, Any] = {}
        self.typed_dicts: dict[str, TypedDictDef] = {}  # key: ref or pointer
        self.typed_dict_names: set[str] = set()

    # -- entry -----------------------------------------------------------------------------------
    def plan(self) -> Api:
        info = self.document.get("info") or {}
        title = str(info.get("title") or "API")
        package = PyName(self.config.package_name or module_name(title, "client"))
        if package in _DEVICE_NAMES:
            package = PyName(f"{package}_client")
        client_name = ClassName(self.config.client_name or pascal(title, "Client"))
        if client_name in _PACKAGE_NAMES or f"Async{client_name}" in _PACKAGE_NAMES:
            if self.config.client_name:
                file, line = self.where("")
                self.problems.error(file, line, "", f"client name {client_name!r} is taken by a name the package exports or imports")
            client_name = ClassName(f"{client_name}Client")
        for name, schema in self.schemas.items():
            self.model_schemas[self.classes[name]] = self._rewrite_refs(schema)
        resources = self._resources()
        models = [self._model_info(name, schema) for name, schema in sorted(self.model_schemas.items())]
        return Api(
            title=title,
            version=str(info.get("version") or ""),
            description=str(info.get("description") or ""),
            package=package,
            distribution=package.replace("_", "-"),
            client_name=client_name,
            base_url=self._base_url(),
            auth=self._auth(package),
            resources=resources,
            typed_dicts=[self.typed_dicts[key] for key in sorted(self.typed_dicts, key=lambda k: self.typed_dicts[k].name)],
            models=models,
            client_headers=self._client_headers(),
            retry_error_codes=tuple(sorted(set(self.config.retry_error_codes))),
            request_id_headers=tuple(dict.fromkeys(name.lower() for name in self.config.request_id_headers)),
            redacted_names=tuple(sorted({name.lower() for name in self.config.redact})),
            configured_log_env=self.config.log_env,
            model_document={
                "openapi": "3.1.0",
                "info": {"title": title, "version": "0"},
                "paths": {},
                "components": {"schemas": dict(sorted(self.model_schemas.items()))},
            },
        )

    # -- client-wide -----------------------------------------------------------------------------
    def _base_url(self) -> str:
        if self.config.base_url:
            return self.config.base_url
        servers = self.document.get("servers") or []
        url = str(servers[0].get("url", "")) if servers and isinstance(servers[0], dict) else ""
        variables = servers[0].get("variables") or {} if url else {}
        for name, variable in variables.items():
            if isinstance(variable, dict) and "default" in variable:
                url = url.replace("{" + str(name) + "}", str(variable["default"]))
        return url or "http://localhost"

    def _client_headers(self) -> list[tuple[PyName, str]]:
        reserved = {"api_key", "base_url", "timeout", "max_retries", "default_headers", "http_client", "total_timeout", "hooks", "self"}
        options = []
        for option, header in sorted(self.config.client_headers.items()):
            name = PyName(unique(snake(option, "header", frozenset()), reserved))
            options.append((name, header))
        return options

    def _auth(self, package: str) -> Auth | None:
        schemes = (self.document.get("components") or {}).get("securitySchemes") or {}
        env_var = self.config.api_key_env or f"{package.upper()}_API_KEY"
        for name in sorted(schemes):
            scheme = deref(self.document, schemes[name])
            if not isinstance(scheme, dict):
                continue
            if scheme.get("type") == "http" and str(scheme.get("scheme", "")).lower() == "bearer":
                return Auth("Authorization", "Bearer", env_var)
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name"):
                return Auth(str(scheme["name"]), None, env_var)
            if scheme.get("type") == "oauth2" or scheme.get("type") == "openIdConnect":
                return Auth("Authorization", "Bearer", env_var)
        return None

    # -- operations ------------------------------------------------------------------------------
    def _resources(self) -> list[Resource]:
        resources: dict[str, Resource] = {}
        taken_methods: dict[str, set[str]] = {}
        seen_ids: dict[str, str] = {}
        for path, method, operation, pointer in self._operations():
            operation_id = str(operation.get("operationId") or f"{method}_{path}")
            if operation_id in seen_ids:
                # OpenAPI wants operationIds unique; real specs break that and users cannot fix
                # upstream. Paths are taken in sorted order, so the same one is renamed every time.
                self._warn(join(pointer, "operationId"), f"duplicate operationId {operation_id!r} (also at {seen_ids[operation_id]}); this operation is named from its method and path")
                operation = {key: value for key, value in operation.items() if key != "operationId"}
                operation_id = unique(f"{method}_{path}", set(seen_ids))
            seen_ids[operation_id] = pointer
            resource_name, method_name = self._names(path, method, operation, operation_id)
            resource = resources.get(resource_name)
            if resource is None:
                resource = Resource(PyName(resource_name), pascal(resource_name, "Resource"), self._tag_description(operation))
                resources[resource_name] = resource
                taken_methods[resource_name] = set()
            name = PyName(unique(method_name, taken_methods[resource_name]))
            resource.operations.append(self._operation(path, method, operation, pointer, resource.name, name, operation_id))
        ordered = [resources[key] for key in sorted(resources)]
        for resource in resources.values():
            for op in resource.operations:
                if op.pagination is not None:
                    op.pagination.method = PyName(unique(f"iter_{op.name}", taken_methods[resource.name]))
        # `a_1` and `a1` both spell `A1`, and `async_foo` spells the async twin of `foo`: every class
        # name and its `Async` twin must be distinct, since resources/__init__.py imports them all.
        taken: set[str] = set()
        for resource in ordered:
            class_name = resource.class_name
            counter = 2
            while class_name in taken or f"Async{class_name}" in taken:
                class_name, counter = ClassName(f"{resource.class_name}{counter}"), counter + 1
            taken |= {class_name, f"Async{class_name}"}
            resource.class_name = class_name
            _name_headers_classes(resource)
        return ordered

    def _operations(self) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        for path, item in sorted((self.document.get("paths") or {}).items()):
            item = deref(self.document, item)
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    merged = dict(operation)
                    merged["parameters"] = self._merge_parameters(item.get("parameters"), operation.get("parameters"))
                    yield str(path), method, merged, join("/paths", path, method)

    def _merge_parameters(self, shared: Any, own: Any) -> list[Any]:
        merged: dict[tuple[str, str], Any] = {}
        for param in list(shared or []) + list(own or []):
            resolved = deref(self.document, param)
            if isinstance(resolved, dict) and "name" in resolved:
                merged[(str(resolved["name"]), str(resolved.get("in")))] = resolved
        return list(merged.values())

    def _names(self, path: str, method: str, operation: dict[str, Any], operation_id: str) -> tuple[str, str]:
        override = self.config.operations.get(operation_id)
        if override:
            resource, _, name = override.partition(".")
            return _resource_name(resource), snake(name, "call", _METHOD_RESERVED)
        tags = operation.get("tags") or []
        segments = [s for s in path.split("/") if s and not s.startswith("{")]
        group = _extension(operation, _GROUP_EXTENSIONS)
        resource = _resource_name(group or (str(tags[0]) if tags else (segments[0] if segments else "default")))
        named = _extension(operation, _NAME_EXTENSIONS)
        if named:
            return resource, snake(named, method, _METHOD_RESERVED)
        resource_words = set(words(resource))
        resource_words |= {w[:-1] for w in resource_words if w.endswith("s")} | {w + "s" for w in resource_words}
        kept = [w for w in words(operation_id) if w not in resource_words]
        if not kept or not operation.get("operationId"):
            kept = [_VERB_NAMES.get(method, method)] if operation.get("operationId") else kept or [method]
        return resource, snake("_".join(kept), method, _METHOD_RESERVED)

    def _tag_description(self, operation: dict[str, Any]) -> str:
        tags = operation.get("tags") or []
        for tag in self.document.get("tags") or []:
            if isinstance(tag, dict) and tags and tag.get("name") == tags[0]:
                return str(tag.get("description") or "")
        return ""

    def _operation(
        self, path: str, method: str, operation: dict[str, Any], pointer: str, resource: PyName, name: PyName, operation_id: str
    ) -> Operation:
        taken = set(_METHOD_KWARGS)
        params: list[Param] = []
        for param in operation.get("parameters") or []:
            location = str(param.get("in"))
            if location not in {"path", "query", "header", "cookie"}:
                continue
            if location == "cookie":
                self._warn(pointer, f"cookie parameter {param.get('name')!r} is not supported; ignored")
                continue
            schema = param.get("schema") or _schema_of_content(param.get("content")) or {}
            schema = schema if isinstance(schema, dict) else {}  # `schema: true` (3.1) admits any value
            hint = f"{pascal(name)}{pascal(str(param['name']))}"
            params.append(
                Param(
                    name=PyName(unique(snake(str(param["name"]), "param", frozenset()), taken)),
                    wire_name=str(param["name"]),
                    location=location,  # type: ignore[arg-type]
                    annotation=self._input_type(schema, hint),
                    required=bool(param.get("required")) or location == "path",
                    description=str(param.get("description") or schema.get("description") or ""),
                    deprecated=_is_deprecated(param),
                )
            )
        body_kind, body_params = self._body(operation, pointer, pascal(operation_id), taken)
        params.extend(body_params)
        params.sort(key=lambda p: not p.required)  # required first, each group in spec order
        stream = self._stream(operation, params, pointer, pascal(operation_id))
        return Operation(
            operation_id=operation_id,
            method=method,
            path=path,
            resource=resource,
            name=name,
            summary=str(operation.get("summary") or ""),
            description=str(operation.get("description") or ""),
            params=params,
            body=body_kind,
            response_type=self._response_type(operation, pointer, pascal(operation_id)),
            stream=stream,
            deprecated=_is_deprecated(operation),
            accept=self._accept(operation),
            errors=self._errors(operation, pascal(operation_id)),
            pagination=self._pagination(operation, params, pointer, pascal(operation_id)),
            response_headers=self._response_headers(operation),
        )

    def _response_headers(self, operation: dict[str, Any]) -> list[ResponseHeader]:
        """The headers the success responses declare (`responses.2xx.headers`), each once."""
        found: dict[str, ResponseHeader] = {}
        taken: set[str] = {"from_headers"}
        for _, response in success_responses(self.document, operation):
            headers = response.get("headers")
            for wire, header in sorted(headers.items()) if isinstance(headers, dict) else []:
                header = deref(self.document, header)
                if str(wire).lower() in found or str(wire).lower() == "content-type" or not isinstance(header, dict):
                    continue  # OpenAPI says a declared Content-Type is ignored
                schema = deref(self.document, header.get("schema") or _schema_of_content(header.get("content")) or {})
                many = isinstance(schema, dict) and schema.get("type") == "array"
                kind = _header_kind(deref(self.document, schema.get("items")) if many else schema)
                name = PyName(unique(snake(str(wire), "header"), taken))
                found[str(wire).lower()] = ResponseHeader(name, str(wire), kind, many, str(header.get("description") or ""))
        return list(found.values())

    def _body(self, operation: dict[str, Any], pointer: str, hint: str, taken: set[str]) -> tuple[Any, list[Param]]:
        body = deref(self.document, operation.get("requestBody"))
        if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
            return "none", []
        content = body["content"]
        json_type, json_schema = json_body(content)
        if json_type is None:
            form_type = next((t for t in (_MULTIPART, _FORM) if t in content), None)
            if form_type is not None:
                return self._form_body(content[form_type] or {}, form_type, pointer, hint, taken)
            kinds = ", ".join(sorted(map(str, content)))
            self._warn(join(pointer, "requestBody"), f"request body content type {kinds} is not supported; the method sends no body")
            return "none", []
        others = sorted(str(t) for t in content if str(t) != json_type)
        if others:
            self._warn(join(pointer, "requestBody"), f"request body also accepts {', '.join(others)}; the method sends {json_type} only")
        schema = json_schema or {}
        resolved = deref(self.document, schema)
        required_body = bool(body.get("required"))
        if isinstance(resolved, dict) and isinstance(resolved.get("properties"), dict) and not _is_union(resolved):
            required = set(resolved.get("required") or [])
            params = []
            owner = self._ref_class(schema["$ref"]) if "$ref" in schema else ClassName(hint + "Body")
            for prop_name, prop in resolved["properties"].items():
                if isinstance(prop, dict) and prop.get("readOnly"):
                    continue
                prop_schema = prop if isinstance(prop, dict) else {}
                params.append(
                    Param(
                        name=PyName(unique(snake(str(prop_name), "field", frozenset()), taken)),
                        wire_name=str(prop_name),
                        location="body",
                        annotation=self._input_type(prop_schema, f"{owner}{pascal(str(prop_name))}"),
                        required=prop_name in required,
                        description=str(deref(self.document, prop_schema).get("description") or "") if isinstance(deref(self.document, prop_schema), dict) else "",
                        deprecated=_is_deprecated(prop_schema) or _is_deprecated(deref(self.document, prop_schema)),
                    )
                )
            return "json", params
        annotation = self._input_type(schema, hint + "Body")
        return "json-value", [Param(PyName(unique("body", taken)), "body", "body", annotation, required_body, str(body.get("description") or ""))]

    def _form_body(self, media: dict[str, Any], form_type: str, pointer: str, hint: str, taken: set[str]) -> tuple[Any, list[Param]]:
        """A form body: each property is an argument; binary properties are file uploads."""
        schema = deref(self.document, media.get("schema") or {})
        if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
            self._warn(join(pointer, "requestBody"), f"{form_type} body without properties is not supported; the method sends no body")
            return "none", []
        required = set(schema.get("required") or [])
        params = []
        for prop_name, prop in schema["properties"].items():
            prop = prop if isinstance(prop, dict) else {}
            resolved = deref(self.document, prop)
            is_file = _is_binary(resolved) or (
                isinstance(resolved, dict) and resolved.get("type") == "array" and _is_binary(deref(self.document, resolved.get("items")))
            )
            if is_file:
                annotation: TypeExpr = SequenceOf(FILE) if resolved.get("type") == "array" else FILE
            else:
                annotation = self._input_type(prop, f"{hint}{pascal(str(prop_name))}")
            params.append(
                Param(
                    name=PyName(unique(snake(str(prop_name), "field", frozenset()), taken)),
                    wire_name=str(prop_name),
                    location="file" if is_file else "body",
                    annotation=annotation,
                    required=prop_name in required,
                    description=str(resolved.get("description") or "") if isinstance(resolved, dict) else "",
                    deprecated=_is_deprecated(prop) or _is_deprecated(resolved),
                )
            )
        return ("multipart" if form_type == _MULTIPART else "form"), params

    def _stream(self, operation: dict[str, Any], params: list[Param], pointer: str, hint: str) -> Stream | None:
        marker = operation.get(STREAM_EXTENSION)
        if isinstance(marker, dict) and isinstance(marker.get("schema"), dict):
            flag = next((p.name for p in params if p.wire_name == marker.get("parameter") and p.location == "body"), None)
            if flag is not None:
                return Stream(flag, self._output_type(marker["schema"], hint + "Event"))
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            if _SSE not in content:
                continue
            event = sse_payload(self.document, (content[_SSE] or {}).get("schema"))
            if event is None:  # e.g. a plain string "not used": the operation does not stream
                return None
            if not any(_JSON_TYPES.match(str(t)) for t in content):
                return Stream(None, self._output_type(event, hint + "Event"))
            # Both JSON and SSE: a boolean body field named `stream` chooses between them.
            switch = next((p for p in params if p.wire_name == "stream" and p.location == "body" and members(p.annotation)[0] == BOOL), None)
            return Stream(switch.name, self._output_type(event, hint + "Event")) if switch else None
        return None

    def _pagination(self, operation: dict[str, Any], params: list[Param], pointer: str, hint: str) -> Pagination | None:
        """How the operation pages, from `x-orgen-pagination` or `x-speakeasy-pagination`.

        Both read `{type: offsetLimit | cursor, inputs: [{name, in: parameters, type: offset |
        page | limit | cursor}], outputs: {results: $.path, nextCursor: $.path}}`.
        """
        key = next((k for k in ("x-orgen-pagination", "x-speakeasy-pagination") if k in operation), None)
        declared = operation.get(key) if key else None
        if not isinstance(declared, dict):
            return None
        where = join(pointer, str(key))
        inputs = {str(i.get("type")): str(i.get("name")) for i in declared.get("inputs") or [] if isinstance(i, dict) and i.get("in") == "parameters"}
        outputs: dict[str, Any] = declared["outputs"] if isinstance(declared.get("outputs"), dict) else {}
        by_wire = {p.wire_name: p.name for p in params if p.location in ("query", "body")}
        kind: Literal["offset", "page", "cursor"] | None = next((k for k in ("cursor", "offset", "page") if k in inputs), None)
        results = _json_path(outputs.get("results"))
        next_cursor = _json_path(outputs.get("nextCursor")) if kind == "cursor" else ()
        item_type = self._page_item_type(operation, results or ())
        if kind is None:
            problem = "no input of type offset, page or cursor"
        elif inputs[kind] not in by_wire:
            problem = f"its {kind} input {inputs[kind]!r} is not a parameter of the operation"
        elif results is None or (kind == "cursor" and not next_cursor):
            problem = "outputs must give `results` (and for a cursor `nextCursor`) as $.name paths"
        elif item_type is None:
            problem = f"outputs.results {outputs.get('results')!r} is not a list in the JSON response"
        else:
            problem = ""
        if problem:
            self._warn(where, f"pagination ignored: {problem}; the operation has no iterating method")
            return None
        assert kind is not None and results is not None and next_cursor is not None and item_type is not None
        limit = by_wire.get(inputs.get("limit", "")) if kind != "cursor" else None
        return Pagination(kind, by_wire[inputs[kind]], limit, results, next_cursor, item_type)

    def _page_item_type(self, operation: dict[str, Any], results: tuple[str, ...]) -> TypeExpr | None:
        """The annotation of one item of the list at `results` in the JSON success body (for a
        union body, of the members that have that list)."""
        for _, response in success_responses(self.document, operation):
            json_type, schema = json_body(response.get("content"))
            if json_type is None or not results:
                continue
            found = self._items_at(schema, results, "", 0)
            return union(found) if found else None
        return None

    def _items_at(self, schema: Any, path: tuple[str, ...], hint: str, depth: int) -> list[TypeExpr]:
        schema = deref(self.document, schema)
        if not isinstance(schema, dict) or depth > 8:
            return []
        members = [m for keyword in ("oneOf", "anyOf", "allOf") for m in schema.get(keyword) or []]
        if members:
            return [found for member in members for found in self._items_at(member, path, hint, depth + 1)]
        if not path:
            is_list = schema.get("type") == "array"
            return [self._output_type(schema.get("items") or {}, hint + "Item")] if is_list else []
        properties = schema.get("properties")
        if not isinstance(properties, dict) or path[0] not in properties:
            return []
        return self._items_at(properties[path[0]], path[1:], pascal(path[0]), depth + 1)

    def _errors(self, operation: dict[str, Any], hint: str) -> list[tuple[str, TypeExpr]]:
        """The model of each error status whose body the spec declares as JSON."""
        found = []
        for status, response in sorted((str(k).upper(), v) for k, v in (operation.get("responses") or {}).items()):
            if not (status[:1] in ("4", "5") or status == "DEFAULT"):
                continue
            response = deref(self.document, response)
            _, schema = json_body(response.get("content") if isinstance(response, dict) else None)
            if schema:
                annotation = self._output_type(schema, f"{hint}Error{pascal(status.lower())}")
                if annotation not in (OBJECT, NONE):
                    found.append((status.lower() if status == "DEFAULT" else status, annotation))
        return found

    def _response_type(self, operation: dict[str, Any], pointer: str, hint: str) -> TypeExpr:
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            json_type, schema = json_body(content)
            if json_type is not None:
                return self._output_type(schema, hint + "Response") if schema else OBJECT
            if not content or set(content) == {_SSE}:
                continue
            if any(str(t).startswith("text/") for t in content if t != _SSE):
                return STR
            return BYTES  # audio/*, video/mp4, application/octet-stream, ...: the body as is
        return NONE

    def _accept(self, operation: dict[str, Any]) -> str | None:
        """The media types of a non-JSON success body (the response `_response_type` picks), for Accept.

        The client asks for JSON by default; a server negotiating content would refuse that for an
        operation that only answers with, say, `audio/*` or `application/octet-stream`.
        """
        for _, response in success_responses(self.document, operation):
            content = response.get("content") or {}
            if any(_JSON_TYPES.match(str(t)) for t in content):
                return None
            types = [str(t) for t in content if t != _SSE]
            if types:
                return ", ".join(types)
        return None

    # -- types -----------------------------------------------------------------------------------
    def _ref_class(self, ref: str) -> ClassName:
        """The model class for a schema reference, hoisting targets that live outside components."""
        if ref.startswith(SCHEMA_PREFIX) and "/" not in ref[len(SCHEMA_PREFIX):]:
            from .pointer import unescape

            name = unescape(ref[len(SCHEMA_PREFIX):])
            if name in self.classes:
                return self.classes[name]
        return self._hoist(ref[1:], follow(self.document, ref[1:]), pascal(ref.rsplit("/", 1)[-1]))

    def _hoist(self, key: str, schema: Any, hint: str) -> ClassName:
        if key not in self.hoisted:
            base = pascal(hint)
            # `ListEndpointsResponse` taken by a component (often the payload the response wraps):
            # `ListEndpointsResponseBody` says more than `ListEndpointsResponse2`.
            if base in self.taken_classes and base + "Body" not in self.taken_classes:
                base = ClassName(base + "Body")
            name = ClassName(unique(base, self.taken_classes))
            self.hoisted[key] = name
            self.model_schemas[name] = self._rewrite_refs(schema)
        return self.hoisted[key]

    def _rewrite_refs(self, schema: Any) -> Any:
        """A copy of `schema` whose refs name model classes (the models stage sees only those)."""
        result = copy.deepcopy(schema)
        stack = [result]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str):
                    node["$ref"] = SCHEMA_PREFIX + self._ref_class(ref)
                stack.extend(v for k, v in node.items() if k != "$ref")
            elif isinstance(node, list):
                stack.extend(node)
        return result

    def _output_type(self, schema: Any, hint: str, visiting: frozenset[str] = frozenset()) -> TypeExpr:
        """The annotation of a parsed response value.

        Unions (inline or named) come back as plain unions of their members rather than as
        wrapper classes: callers get the event or object itself, and parsing still picks the
        member whose literal tag matches.
        """
        if not isinstance(schema, dict):
            return OBJECT
        found = self._output_expr(schema, hint, visiting)
        return optional(found) if schema.get("nullable") and found != OBJECT else found

    def _output_expr(self, schema: dict[str, Any], hint: str, visiting: frozenset[str]) -> TypeExpr:
        """`_output_type` of `schema`, before its `nullable`."""
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = deref(self.document, schema)
            if isinstance(target, dict) and _is_union(target) and not target.get("properties") and ref not in visiting:
                return self._output_type(target, hint, visiting | {ref})
            return Model(self._ref_class(ref))
        kind = schema.get("type")
        if kind == "array":
            return ListOf(self._output_type(schema.get("items") or {}, hint + "Item", visiting))
        if kind in _PRIMITIVES and "enum" not in schema and "const" not in schema:
            return _PRIMITIVES[kind]
        if kind == "object" and not schema.get("properties") and not _is_union(schema):
            extra = schema.get("additionalProperties")
            return DictOf(self._output_type(extra, hint + "Value") if isinstance(extra, dict) and extra else OBJECT)
        if not schema or set(schema) <= {"description", "title", "nullable", "example", "examples"}:
            return OBJECT
        variants = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(variants, list) and variants and not schema.get("properties"):
            return union(self._output_type(v, member_hint(hint, v, i), visiting) for i, v in enumerate(variants))
        return Model(self._hoist(repr(id(schema)), schema, hint))

    def _input_type(self, schema: Any, hint: str, visiting: frozenset[str] = frozenset()) -> TypeExpr:
        """The annotation of an argument: plain values, dicts shaped as TypedDicts, or models."""
        if not isinstance(schema, dict):
            return OBJECT
        parts = self._input_parts(schema, hint, visiting)
        if schema.get("nullable"):
            parts.append(NONE)
        return union(parts, empty=OBJECT)

    def _input_parts(self, schema: dict[str, Any], hint: str, visiting: frozenset[str]) -> list[TypeExpr]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = deref(self.document, schema)
            if _is_object(target):
                return [self._typed_dict(ref, target, self._ref_class(ref)), Model(self._ref_class(ref))]
            if ref in visiting or not isinstance(target, dict):
                return [OBJECT]
            return self._input_parts(target, hint, visiting | {ref}) + ([NONE] if target.get("nullable") else [])
        if "const" in schema and _is_literal(schema["const"]):
            return [LiteralOf((schema["const"],))]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum and all(_is_literal(v) for v in enum):
            values = tuple(v for v in enum if v is not None)
            parts: list[TypeExpr] = [LiteralOf(values)] if values else []
            return parts + ([NONE] if None in enum else [])
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list):
                return [
                    part
                    for index, variant in enumerate(schema[keyword])
                    for part in members(self._input_type(variant, member_hint(hint, variant, index), visiting))
                ]
        if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1 and not schema.get("properties"):
            return list(members(self._input_type(schema["allOf"][0], hint, visiting)))
        kind = schema.get("type")
        if isinstance(kind, list):
            return [part for k in kind for part in self._input_parts({**schema, "type": k}, hint, visiting)]
        if kind == "string" and schema.get("format") == "binary":
            return [BYTES]
        if kind in _PRIMITIVES:
            return [_PRIMITIVES[kind]]
        if kind == "array":
            return [SequenceOf(self._input_type(schema.get("items") or {}, hint + "Item", visiting))]
        if _is_object(schema):
            return [self._typed_dict(repr(id(schema)), schema, ClassName(hint))]
        extra = schema.get("additionalProperties")
        if kind == "object" and isinstance(extra, dict) and extra:
            return [MappingOf(self._input_type(extra, hint + "Value", visiting))]
        if kind == "object" or schema.get("allOf"):
            return [MappingOf(OBJECT)]
        return [OBJECT]

    def _typed_dict(self, key: str, schema: dict[str, Any], owner: ClassName) -> Params:
        if key not in self.typed_dicts:
            name = ClassName(unique(f"{owner}Param", self.typed_dict_names))
            definition = TypedDictDef(name, str(schema.get("description") or ""), [])
            self.typed_dicts[key] = definition  # registered first: recursive shapes refer to themselves
            required = set(schema.get("required") or [])
            for prop_name, prop in (schema.get("properties") or {}).items():
                if isinstance(prop, dict) and prop.get("readOnly"):
                    continue
                definition.fields.append(
                    TypedDictField(
                        wire_name=str(prop_name),
                        annotation=self._input_type(prop, f"{owner}{pascal(str(prop_name))}"),
                        required=prop_name in required,
                        description=str(prop.get("description") or "") if isinstance(prop, dict) else "",
                    )
                )
        return Params(self.typed_dicts[key].name)

    def _model_info(self, name: str, schema: Any) -> ModelInfo:
        schema = schema if isinstance(schema, dict) else {}
        kind = "enum" if "enum" in schema else "union" if _is_union(schema) else "object" if _is_object(schema) else "alias"
        original = next((k for k, v in self.classes.items() if v == name), name)
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        fields = tuple(str(wire) for wire, prop in properties.items() if _is_deprecated(prop))
        return ModelInfo(ClassName(name), original, str(schema.get("description") or ""), kind, _is_deprecated(schema), fields)

    def _warn(self, pointer: str, message: str) -> None:
        file, line = self.where(pointer)
        self.problems.warn(file, line, pointer, message)


_PRIMITIVES: dict[str, TypeExpr] = {"string": STR, "integer": INT, "number": FLOAT, "boolean": BOOL, "null": NONE}


def _header_kind(schema: Any) -> Literal["str", "int", "float", "bool"]:
    """The Python type a header's value is read as: its schema's primitive type, else `str`."""
    kind = schema.get("type") if isinstance(schema, dict) else None
    if isinstance(kind, list):  # `[integer, "null"]`
        kind = next((k for k in kind if k != "null"), None)
    return {"integer": "int", "number": "float", "boolean": "bool"}.get(str(kind), "str")  # type: ignore[return-value]


def _name_headers_classes(resource: Resource) -> None:
    """`UpdateHeaders` for `update`: one class per operation that declares response headers, named
    apart from the resource's own classes (they share the resource's module)."""
    taken = {f"{prefix}{resource.class_name}{suffix}" for prefix in ("", "Async") for suffix in ("", "WithRawResponse", "WithStreamingResponse")}
    for op in resource.operations:
        if op.response_headers:
            op.headers_class = ClassName(unique(pascal(op.name) + "Headers", taken))


def _is_deprecated(node: Any) -> bool:
    """Whether an operation, parameter or schema says `deprecated: true` (only `true` counts)."""
    return isinstance(node, dict) and node.get("deprecated") is True


def _is_literal(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, bool))


def _is_union(schema: dict[str, Any]) -> bool:
    return isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)


def _is_object(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and isinstance(schema.get("properties"), dict)
        and bool(schema["properties"])
        and not _is_union(schema)
        and schema.get("type", "object") in ("object", None)
    )


def json_media(content: Any) -> tuple[str | None, dict[str, Any]]:
    """The first JSON media type of a `content` map and its media object ({} when it has none)."""
    if not isinstance(content, dict):
        return None, {}
    key = next((t for t in content if _JSON_TYPES.match(str(t))), None)
    if key is None:
        return None, {}
    media = content[key]
    return str(key), media if isinstance(media, dict) else {}


def json_body(content: Any) -> tuple[str | None, Any]:
    """The first JSON media type of a `content` map, and its schema (None when it gives none)."""
    key, media = json_media(content)
    return key, media.get("schema")


def sse_payload(document: dict[str, Any], schema: Any) -> Any:
    """The schema of each event's JSON `data`.

    SSE schemas are often written as the event envelope (`{event, data}` with `data` the
    payload); the client yields the decoded payloads, so the envelope is unwrapped.
    """
    resolved = deref(document, schema)
    if not isinstance(resolved, dict) or not resolved:
        return None
    properties = resolved.get("properties")
    if isinstance(properties, dict) and "data" in properties and set(properties) <= _SSE_ENVELOPE:
        return properties["data"]
    if resolved.get("type") in ("string", "integer", "number", "boolean"):
        return None
    return schema


def success_responses(document: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(status, response) of each 2xx response of `operation`, in status order."""
    responses = operation.get("responses") or {}
    found = []
    for status in sorted(map(str, responses)):
        if status.startswith("2") or status.upper() == "2XX":
            response = deref(document, responses[status] if status in responses else responses.get(int(status)))
            if isinstance(response, dict):
                found.append((status, response))
    return found


def _schema_of_content(content: Any) -> dict[str, Any] | None:
    if isinstance(content, dict):
        for media in content.values():
            schema = media.get("schema") if isinstance(media, dict) else None
            if isinstance(schema, dict):
                return schema
    return None


def plan(document: dict[str, Any], config: Config, problems: Problems, where: Any) -> Api:
    """The IR of the client for a normalized `document`."""
    return Planner(document, config, problems, where).plan()


def _resource_name(text: str) -> PyName:
    """A resource's attribute on the client, and the name of its module and docs page."""
    name = module_name(text, "api")
    return PyName(name + "_") if name in _CLIENT_ATTRIBUTES or name in _DEVICE_NAMES else name


def _extension(operation: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = operation.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _is_binary(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "string" and (
        schema.get("format") == "binary" or "contentMediaType" in schema
    )


def _json_path(path: Any) -> tuple[str, ...] | None:
    """`$.data.items` as wire names; None for anything but a plain path of names."""
    if not isinstance(path, str) or not re.fullmatch(r"\$(\.[A-Za-z_][A-Za-z0-9_-]*)+", path):
        return None
    return tuple(path.split(".")[1:])
