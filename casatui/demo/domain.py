"""The Eve DOMAIN: every collection the embedded server serves, with the methods CloudCasa allows on it."""

from __future__ import annotations

from typing import Any

from .fields import Rule
from .schema_activity import ALERT, BACKUPINSTANCE, JOB
from .schema_admin import APIKEY, ORGINVITE, ROLE, USERGROUP
from .schema_infra import AWSACCOUNT, CLOUDACCOUNT, KUBECLUSTER, KUBENAMESPACE, OBJECTSTORE
from .schema_protection import KUBEBACKUP, KUBEHOOK, KUBEOFFLOAD, KUBERESTORE, POLICY

FULL = (["GET", "POST"], ["GET", "PUT", "PATCH", "DELETE"])
READ_ONLY = (["GET"], ["GET"])

# name: (schema, item title as CloudCasa spells it, (collection methods, item methods), description)
_RESOURCES: dict[str, tuple[dict[str, Rule], str, tuple[list[str], list[str]], str]] = {
    "kubeclusters": (KUBECLUSTER, "Kubecluster", FULL, "Kubernetes clusters registered with CloudCasa"),
    "kubenamespaces": (KUBENAMESPACE, "Kubenamespace", READ_ONLY, "Namespaces found in cluster inventory"),
    "kubebackups": (KUBEBACKUP, "Kubebackup", FULL, "Snapshot backup definitions"),
    "kubeoffloads": (KUBEOFFLOAD, "Kubeoffload", FULL, "Copy backup definitions"),
    "kuberestores": (KUBERESTORE, "Kuberestore", FULL, "Restore definitions"),
    "policies": (POLICY, "policy", FULL, "Backup schedules and retention"),
    "kubehooks": (KUBEHOOK, "Kubehook", FULL, "Application hooks run around backups and restores"),
    "jobs": (JOB, "Job", FULL, "Backup, copy, restore and maintenance jobs"),
    "backupinstances": (BACKUPINSTANCE, "Backupinstance", FULL, "Recovery points"),
    "alerts": (ALERT, "Alert", FULL, "Alerts raised by failed or partial jobs"),
    "objectstores": (OBJECTSTORE, "Objectstore", FULL, "User backup storage"),
    "cloudaccounts": (CLOUDACCOUNT, "Cloudaccount", FULL, "Connected cloud accounts"),
    "awsaccounts": (AWSACCOUNT, "Awsaccount", FULL, "AWS account links"),
    "usergroups": (USERGROUP, "Usergroup", FULL, "User groups and their access rules"),
    "roles": (ROLE, "Role", FULL, "Roles and their permissions"),
    "orginvites": (ORGINVITE, "Orginvite", FULL, "Invitations to the organisation"),
    "apikeys": (APIKEY, "Apikey", FULL, "API keys of the organisation"),
}

# POST /<collection>/<id>/action/<name> routes the server answers, by collection.
ACTIONS: dict[str, list[str]] = {
    "kubebackups": ["run"],
    "kubeoffloads": ["run"],
    "usergroups": ["update-acls"],
}


def domain() -> dict[str, dict[str, Any]]:
    """A fresh DOMAIN (Eve mutates it while starting, so each app gets its own copy)."""
    import copy

    result: dict[str, dict[str, Any]] = {}
    for name, (schema, item_title, (resource_methods, item_methods), description) in _RESOURCES.items():
        result[name] = {
            "schema": copy.deepcopy(schema),
            "item_title": item_title,
            "resource_methods": list(resource_methods),
            "item_methods": list(item_methods),
            "description": description,
        }
    return result


def descriptions() -> dict[str, str]:
    return {name: spec[3] for name, spec in _RESOURCES.items()}
