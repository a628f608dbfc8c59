"""Small builders for Eve/Cerberus schema rules, so the resource schemas read like the API reference."""

from __future__ import annotations

from typing import Any

Rule = dict[str, Any]


def string(**rules: Any) -> Rule:
    return {"type": "string", **rules}


def integer(**rules: Any) -> Rule:
    return {"type": "integer", **rules}


def number(**rules: Any) -> Rule:
    return {"type": "number", **rules}


def boolean(default: bool | None = None, **rules: Any) -> Rule:
    rule: Rule = {"type": "boolean", **rules}
    if default is not None:
        rule["default"] = default
    return rule


def enum(*values: str, default: str | None = None, **rules: Any) -> Rule:
    rule: Rule = {"type": "string", "allowed": list(values), **rules}
    if default is not None:
        rule["default"] = default
    return rule


def ref(resource: str, **rules: Any) -> Rule:
    """An id of another resource: stored as an ObjectId, checked to exist, expandable with `embedded`."""
    return {
        "type": "objectid",
        "nullable": True,
        "data_relation": {"resource": resource, "embeddable": True},
        **rules,
    }


def obj(schema: dict[str, Rule] | None = None, **rules: Any) -> Rule:
    """A sub-document. Without a schema it is a free key/value map (like `tags`)."""
    rule: Rule = {"type": "dict", **rules}
    if schema is None:
        rule.setdefault("allow_unknown", True)
    else:
        rule["schema"] = schema
    return rule


def array(items: Rule | None = None, **rules: Any) -> Rule:
    rule: Rule = {"type": "list", **rules}
    if items is not None:
        rule["schema"] = items
    return rule


def server_owned(rule: Rule) -> Rule:
    """Read-only for clients: Eve accepts it only when equal to the stored value."""
    return {**rule, "readonly": True}


def name_field(unique: bool = True) -> Rule:
    rule = string(required=True, minlength=1, maxlength=128, empty=False)
    if unique:
        rule["unique"] = True
    return rule


def common_fields() -> dict[str, Rule]:
    """Fields almost every CloudCasa schema carries."""
    return {
        "tags": obj(),
        "cc_user_email": server_owned(string(nullable=True)),
        "org_id": server_owned(string(nullable=True)),
    }


def retention() -> Rule:
    return obj({"retainDays": integer(min=1), "numAlwaysRetain": integer(min=0, max=30)})


def hook_refs() -> Rule:
    return array(
        obj(
            {
                "namespaces": array(string()),
                "hooks": array(ref("kubehooks")),
                "template": boolean(default=False),
            }
        )
    )


def mover_options() -> Rule:
    return obj(
        {
            "report_interval": string(),
            "upload_speed_limit": integer(),
            "download_speed_limit": integer(),
            "pvc_file_parallelism": integer(),
            "pvc_parallelism": integer(),
            "mover_ready_timeout": string(),
            "max_mover_pvcs": integer(),
            "total_file_parallelism": integer(),
            "mover_memory_limit": string(),
            "preserve_node_ports": boolean(),
            "azure_files_restore_options": obj(
                {
                    "method": string(),
                    "pvc_restore_wait_seconds": integer(),
                    "check_file_restore_status_interval_seconds": integer(),
                }
            ),
        }
    )
