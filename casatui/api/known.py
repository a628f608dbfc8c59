"""What casatui knows of CloudCasa without asking: its collections, how users group them, and their titles.

Used when the server's OpenAPI document is missing or unusable, and to group whatever discovery finds.
"""

from __future__ import annotations

FULL = ("list", "create", "get", "replace", "update", "delete")
READ = ("list", "get")

# Groups in the order the sidebar shows them: how CloudCasa users think of their organisation.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Clusters & inventory",
        (
            "kubeclusters",
            "kubenamespaces",
            "kubepvclaims",
            "kubestorageclasses",
            "awseksclusters",
            "azureaksclusters",
            "kubemigrations",
        ),
    ),
    (
        "Backups & restores",
        (
            "kubebackups",
            "kubeoffloads",
            "kuberestores",
            "policies",
            "kubehooks",
            "awsrdsbackups",
            "awsrdscopies",
            "awsrdsrestores",
        ),
    ),
    ("Jobs & recovery points", ("jobs", "backupinstances", "alerts", "systemalerts", "cloudtasks")),
    ("Storage & accounts", ("objectstores", "cloudaccounts", "awsaccounts", "awsrdsdatabases")),
    (
        "Administration",
        ("usergroups", "roles", "rbac/permissions", "orginvites", "apikeys", "users", "orgs", "userorgs"),
    ),
)
OTHER_GROUP = "Other"

# Collections the 2022 CloudCasa OpenAPI document lists (plus kubemigrations, seen in newer clients), with the
# operations the public clients use on them. Titles follow CloudCasa's own spelling (`policy` in lower case).
BUILTIN: dict[str, tuple[str, tuple[str, ...]]] = {
    "kubeclusters": ("Kubecluster", FULL),
    "kubenamespaces": ("Kubenamespace", READ),
    "kubepvclaims": ("Kubepvclaim", READ),
    "kubestorageclasses": ("Kubestorageclasse", READ),
    "kubebackups": ("Kubebackup", FULL),
    "kubeoffloads": ("Kubeoffload", FULL),
    "kuberestores": ("Kuberestore", FULL),
    "kubemigrations": ("Kubemigration", FULL),
    "policies": ("policy", FULL),
    "kubehooks": ("Kubehook", FULL),
    "jobs": ("Job", FULL),
    "backupinstances": ("Backupinstance", FULL),
    "alerts": ("Alert", ("list", "create", "get", "delete")),
    "objectstores": ("Objectstore", FULL),
    "cloudaccounts": ("Cloudaccount", FULL),
    "awsaccounts": ("Awsaccount", FULL),
    "usergroups": ("Usergroup", FULL),
    "roles": ("Role", FULL),
    "orginvites": ("Orginvite", FULL),
    "apikeys": ("Apikey", FULL),
    "users": ("User", ("list", "get", "replace", "update")),
    "orgs": ("Org", ("list", "get", "replace", "update")),
}

KNOWN_ACTIONS: dict[str, tuple[str, ...]] = {
    "kubebackups": ("run",),
    "kubeoffloads": ("run",),
    "usergroups": ("update-acls",),
}


def group_of(collection: str) -> str:
    for group, members in GROUPS:
        if collection in members:
            return group
    return OTHER_GROUP


def group_order(group: str) -> int:
    names = [name for name, _ in GROUPS]
    return names.index(group) if group in names else len(names)
