"""The fixed part of the demo organisation: clusters, storage, policies, backups and the people around them.

Times are offsets in seconds before "now", so the organisation always looks alive. Some names hold unicode or
text that a renderer could mistake for markup, on purpose.
"""

from __future__ import annotations

from typing import Any

MINUTE, HOUR, DAY = 60, 3600, 86400

# name, platform, state, Kubernetes version, agent version, seconds since the last heartbeat, message
CLUSTERS: list[tuple[str, str, str, str, str, int | None, str]] = [
    ("prod-eks-us-east", "EKS", "ACTIVE", "1.29", "3.4.2", 40, ""),
    ("staging-aks", "AKS", "ACTIVE", "1.30", "3.4.2", 25, ""),
    ("edge-k3s-lab", "", "REGISTERED", "", "", None, ""),
    (
        "dr-gke-west",
        "GKE",
        "PENDING",
        "1.28",
        "3.3.0",
        3 * HOUR,
        "Agent has not reported for more than 15 minutes",
    ),
    ("analytics-gke-eu", "GKE", "ACTIVE", "1.28", "3.4.1", 55, ""),
    ("payments-rke2", "RKE2", "ACTIVE", "1.27", "3.2.9", 47 * MINUTE, ""),
    ("ci-kind-[bold]", "KIND", "ACTIVE", "1.31", "3.4.2", 15, ""),
    ("東京-retail-ocp", "OPENSHIFT", "ACTIVE", "1.29", "3.4.0", 35, ""),
]

NAMESPACES = [
    "default",
    "kube-system",
    "shop",
    "payments",
    "postgres",
    "redis",
    "monitoring",
    "ingress-nginx",
]

# name, provider, bucket, region, prefix, endpoint, state, message, private, locked
OBJECTSTORES: list[tuple[str, str, str, str, str, str, str, str, bool, bool]] = [
    (
        "s3-backups-useast1",
        "aws",
        "acme-k8s-backups",
        "us-east-1",
        "",
        "https://s3.amazonaws.com",
        "READY",
        "",
        False,
        False,
    ),
    (
        "minio-onprem",
        "aws",
        "velero",
        "",
        "cloudcasa/",
        "https://minio.lab.example.internal:9000",
        "VALIDATING",
        "",
        True,
        False,
    ),
    ("azure-blob-eastus", "azure", "", "eastus", "", "", "READY", "", False, False),
    (
        "wasabi-archive",
        "aws",
        "acme-archive",
        "eu-central-2",
        "k8s/",
        "https://s3.eu-central-2.wasabisys.com",
        "FAILED",
        "Error in accessing bucket: check credentials and permissions",
        False,
        True,
    ),
]

# name, timezone, [(cronSpec, retainDays, locked, numAlwaysRetain)]
POLICIES: list[tuple[str, str, list[tuple[str, int, bool, int]]]] = [
    ("daily-7d", "UTC", [("0 2 */1 * *", 7, False, 0)]),
    ("weekly-sun-30d", "America/New_York", [("0 4 * * SUN", 30, False, 0)]),
    (
        "mwf-plus-nightly",
        "Europe/Berlin",
        [("30 0 * * MON,WED,FRI", 14, False, 0), ("0 22 */1 * *", 3, False, 0)],
    ),
    ("monthly-safelock-90d", "UTC", [("0 3 1 */1 *", 90, True, 3)]),
    # Every seeded document obeys the server's own rules (the free plan's daily-or-slower schedules too): the first
    # edit anyone tries saves.
    ("legacy-every-day", "Asia/Tokyo", [("0 6 * * *", 2, False, 0)]),
]

# name, type, description, labels, container, command
HOOKS: list[tuple[str, str, str, dict[str, str], str, str]] = [
    (
        "pg-freeze",
        "PRE_BACKUP",
        "Checkpoint Postgres before snapshot",
        {"app": "postgres"},
        "postgres",
        "psql -U postgres -c CHECKPOINT",
    ),
    (
        "pg-thaw",
        "POST_BACKUP",
        "Log the end of the backup window",
        {"app": "postgres"},
        "postgres",
        "echo backup-window-closed",
    ),
    (
        "mysql-flush",
        "PRE_BACKUP",
        "FLUSH TABLES WITH READ LOCK",
        {"app": "mysql,mariadb"},
        "",
        "mysql -e 'FLUSH TABLES WITH READ LOCK'",
    ),
]

# name, cluster index, policy index or None, trigger, paused, namespaces (None = all), pre-hook index or None
BACKUPS: list[tuple[str, int, int | None, str, bool, list[str] | None, int | None]] = [
    ("prod-full-daily", 0, 0, "SCHEDULED", False, None, None),
    ("prod-db-copy", 0, None, "SCHEDULED", False, ["postgres", "redis"], 0),
    ("staging-apps-adhoc", 1, None, "ADHOC", False, ["shop", "payments"], None),
    ("staging-nightly-paused", 1, 2, "SCHEDULED", True, None, None),
    ("analytics-daily", 4, 0, "SCHEDULED", False, None, None),
    ("analytics-weekly-full", 4, 1, "SCHEDULED", False, None, None),
    ("payments-mwf", 5, 2, "SCHEDULED", False, ["payments", "postgres"], 0),
    ("payments-monthly-locked", 5, 3, "SCHEDULED", False, None, None),
    ("ci-nightly [smoke]", 6, 0, "SCHEDULED", False, ["default"], None),
    ("retail-東京-daily", 7, 0, "SCHEDULED", False, ["shop"], 2),
    ("dr-weekly", 3, 1, "SCHEDULED", False, None, None),
    ("legacy-6h-snapshots", 0, 4, "SCHEDULED", True, ["monitoring"], None),
]

# name, backup index, policy index, objectstore index
OFFLOADS: list[tuple[str, int, int, int]] = [
    ("prod-db-copy", 1, 1, 0),
    ("analytics-offsite", 4, 1, 3),
]

# name, target cluster, source cluster, namespaces, options
RESTORES: list[tuple[str, int, int, list[str] | None, dict[str, Any]]] = [
    (
        "restore-shop-to-staging",
        1,
        0,
        ["shop"],
        {"namespaces_map": {"shop": "shop-restored"}, "storage_class_map": {"gp3": "managed-csi"}},
    ),
    ("restore-db-inplace", 0, 0, ["postgres"], {"namespaces_suffix": "-r1"}),
    ("restore-all-to-dr", 3, 0, None, {"tags": {"drill": "2025-q1"}}),
]

# name, provider, state, update available
CLOUDACCOUNTS: list[tuple[str, str, str, bool]] = [
    ("aws-prod-account", "aws", "ACTIVE", False),
    ("azure-subscription-main", "azure", "ACTIVE", True),
    ("aws-sandbox", "aws", "PENDING", False),
    ("gcp-analytics", "gcp", "PENDING", False),
]

ROLES: list[tuple[str, str, str, list[str]]] = [
    ("admin", "BUILTIN", "Full access", ["*"]),
    ("viewer", "BUILTIN", "Read everything", ["*.read"]),
    (
        "backup-operator",
        "CUSTOM",
        "Run backups and restores",
        ["kubebackups.create", "kuberestores.create", "kubeclusters.backup", "kubeclusters.restore"],
    ),
]

USERGROUPS: list[tuple[str, int, list[str]]] = [
    ("platform-admins", 0, ["u-alice", "u-bob"]),
    ("backup-operators", 2, ["u-carol", "u-dmitri", "u-eve"]),
    ("auditors", 1, ["u-frank"]),
]

INVITES: list[tuple[str, str, str, str]] = [
    ("grace@example.com", "Grace", "Hopper", "PENDING"),
    ("ahmed@example.com", "Ahmed", "Ali", "EXPIRED"),
]

APIKEYS: list[tuple[str, str, str, str]] = [
    ("ci-pipeline", "Used by the CI system to start backups", "x9Kq2", "USER"),
    ("terraform", "Infrastructure as code", "P0m7Z", "ADMIN"),
]
