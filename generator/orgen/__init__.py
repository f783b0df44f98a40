"""orgen: turn an OpenAPI document into a typed Python client package and its docs."""

__version__ = "0.1.0"
