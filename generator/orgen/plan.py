"""Plan: decide what the client looks like — resources, methods, arguments and their types — as IR.

Input is the normalized document (see normalize.py); output is an `ir.Api`. Each decision lives in
its own module under `planning/` (client settings, operation names, type translation, bodies,
responses, pagination, and the registry of class names); `plan` composes them. Every name is
sanitized there, every type expression is assembled there from safe names and literal values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .config import Config
from .ir import Api, Operation, Resource
from .names import pascal
from .planning.bodies import Bodies
from .planning.client import client_settings
from .planning.hoisting import SCHEMA_PREFIX, ModelClasses
from .planning.inline_classes import hoist_inline_classes
from .planning.input_types import InputTypes
from .planning.kinds import is_deprecated
from .planning.naming import NamedOperation, OperationNames
from .planning.output_types import OutputTypes
from .planning.pagination import Paginations
from .planning.parameters import RESERVED_ARGUMENTS, parameters
from .planning.registry import ClassRegistry
from .planning.responses import Responses
from .problems import Problems

__all__ = ["SCHEMA_PREFIX", "plan"]  # SCHEMA_PREFIX: the models stage names classes by it too

Report = Callable[[str, str], None]  # (pointer, message)


def plan(document: dict[str, Any], config: Config, problems: Problems, where: Any) -> Api:
    """The IR of the client for a normalized `document`; `where(pointer)` gives (file, line)."""

    def warn(pointer: str, message: str) -> None:
        file, line = where(pointer)
        problems.warn(file, line, pointer, message)

    def error(pointer: str, message: str) -> None:
        file, line = where(pointer)
        problems.error(file, line, pointer, message)

    client = client_settings(document, config, error)
    schemas = (document.get("components") or {}).get("schemas") or {}
    schemas = schemas if isinstance(schemas, dict) else {}
    registry = ClassRegistry(schemas)
    models = ModelClasses(document, registry)
    models.add_components(schemas)  # before any operation: hoisted classes are named after components
    inputs = InputTypes(document, models, registry)
    resources = _Operations(document, config, registry, models, inputs, warn).resources()
    # Last: the models library is left no class to name (see inline_classes.py).
    models.schemas = hoist_inline_classes(models.schemas, registry)
    return Api(
        title=client.title,
        version=client.version,
        description=client.description,
        package=client.package,
        distribution=client.package.replace("_", "-"),
        client_name=client.client_name,
        base_url=client.base_url,
        auth=client.auth,
        resources=resources,
        typed_dicts=inputs.definitions(),
        models=models.infos(),
        client_headers=client.client_headers,
        retry_error_codes=tuple(sorted(set(config.retry_error_codes))),
        request_id_headers=tuple(dict.fromkeys(name.lower() for name in config.request_id_headers)),
        redacted_names=tuple(sorted({name.lower() for name in config.redact})),
        configured_log_env=config.log_env,
        model_document={
            "openapi": "3.1.0",
            "info": {"title": client.title, "version": "0"},
            "paths": {},
            "components": {"schemas": dict(sorted(models.schemas.items()))},
        },
    )


class _Operations:
    """Plans each operation from the parts, in document order, and groups them into resources."""

    def __init__(self, document: dict[str, Any], config: Config, registry: ClassRegistry, models: ModelClasses, inputs: InputTypes, warn: Report) -> None:
        outputs = OutputTypes(document, models)
        self.registry = registry
        self.inputs = inputs
        self.warn = warn
        self.names = OperationNames(document, config, warn)
        self.bodies = Bodies(document, inputs, models, warn)
        self.responses = Responses(document, outputs)
        self.pages = Paginations(document, outputs, warn)

    def resources(self) -> list[Resource]:
        """Every resource with its operations, by name; classes named once all are known."""
        resources: dict[str, Resource] = {}
        for named in self.names.operations():
            if named.resource not in resources:
                resources[named.resource] = Resource(named.resource, pascal(named.resource, "Resource"), named.tag_description)
            resources[named.resource].operations.append(self._operation(named))
        for resource in resources.values():
            for op in resource.operations:
                if op.pagination is not None:
                    op.pagination.method = self.names.iterating_method(resource.name, op.name)
        ordered = [resources[key] for key in sorted(resources)]
        for resource in ordered:
            resource.class_name = self.registry.resource(resource.class_name)
            for op in resource.operations:
                if op.response_headers:
                    op.headers_class = self.registry.headers_class(resource.class_name, op.name)
        return ordered

    def _operation(self, named: NamedOperation) -> Operation:
        operation, pointer, hint = named.operation, named.pointer, pascal(named.operation_id)
        taken = set(RESERVED_ARGUMENTS)
        params = parameters(operation, pointer, named.name, taken, self.inputs, self.warn)
        body, body_params = self.bodies.of(operation, pointer, hint, taken)
        params = sorted(params + body_params, key=lambda p: not p.required)  # required first, each group in spec order
        stream = self.responses.stream(operation, params, hint)
        return Operation(
            operation_id=named.operation_id,
            method=named.method,
            path=named.path,
            resource=named.resource,
            name=named.name,
            summary=str(operation.get("summary") or ""),
            description=str(operation.get("description") or ""),
            params=params,
            body=body,
            response_type=self.responses.result_type(operation, hint),
            stream=stream,
            deprecated=is_deprecated(operation),
            accept=self.responses.accept(operation),
            errors=self.responses.errors(operation, hint),
            pagination=self.pages.of(operation, params, pointer),
            response_headers=self.responses.headers(operation),
        )
