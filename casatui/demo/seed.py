"""Deterministic, cross-referenced seed data for the embedded server, scalable to 100,000 jobs."""

from __future__ import annotations

import hashlib
from typing import Any

from . import seed_catalog as catalog
from .hooks import ORG_ID, USER_EMAIL
from .seed_builder import SeedOptions
from .seed_catalog import DAY, HOUR
from .seed_history import MAX_JOBS, History
from .store import Store

__all__ = ["MAX_JOBS", "SeedOptions", "seed"]


class _Builder(History):
    """The organisation's configuration: storage, accounts, clusters, policies, definitions, people; the history
    (jobs and what follows from them) comes from `History`."""

    def objectstores(self) -> None:
        for i, (
            name,
            provider,
            bucket,
            region,
            prefix,
            endpoint,
            state,
            message,
            private,
            locked,
        ) in enumerate(catalog.OBJECTSTORES):
            s3provider: dict[str, Any] = {"endpoint": endpoint} if endpoint else {}
            if provider == "azure":
                s3provider = {
                    "cloud": "Public",
                    "resource_group_name": "rg-backup",
                    "storage_account_name": "acmeccbackups",
                }
            document = {
                **self.meta((60 - i * 7) * DAY, (3 + i) * DAY),
                "name": name,
                "provider_type": provider,
                "region": region,
                "prefix": prefix,
                "s3provider": s3provider,
                "private": private,
                "proxy_cluster_list": [],
                "locked": locked,
                "skip_tls_certificate_validation": private,
                "validate_state": state,
                "validate_message": message,
                "cc_user_email": USER_EMAIL,
            }
            if bucket:
                document["bucket_name"] = bucket
            self.add("objectstores", document)

    def accounts(self) -> None:
        aws = self.add(
            "awsaccounts",
            {
                **self.meta(120 * DAY, 2 * HOUR),
                "name": "aws-prod-account",
                "opt_out": [],
                "cc_user_email": USER_EMAIL,
                "status": {
                    "state": "ACTIVE",
                    "region": "us-east-1",
                    "externalId": "cc-ext-4f9d2a",
                    "awsAccountId": "123456789012",
                    "awsAccountRole": "CloudCasaRole",
                    "awsCFStackName": "cloudcasa-integration",
                    "awsRoleArn": "arn:aws:iam::123456789012:role/CloudCasaRole",
                    "cfTemplateVersion": "2.1.0",
                    "message": "",
                    "version": "",
                    "pendingStateTimestamp": 0,
                    "inventory": {
                        "lastCompletedTimestamp": self.now - 2 * HOUR,
                        "state": "PENDING",
                        "event_name": "",
                    },
                },
            },
        )
        for i, (name, provider, state, update) in enumerate(catalog.CLOUDACCOUNTS):
            status: dict[str, Any] = {
                "state": state,
                "updateAvailable": update,
                "pendingStateTimestamp": 0 if state == "ACTIVE" else self.now - i * HOUR,
            }
            if state == "ACTIVE":
                status["inventory"] = {
                    "lastCompletedTimestamp": self.now - (2 + i) * HOUR,
                    "state": "PENDING",
                    "event_name": "",
                }
            document = {
                **self.meta((120 - i * 20) * DAY, (2 + i) * HOUR),
                "name": name,
                "provider_type": provider,
                "description": {"aws": "AWS account", "azure": "Azure subscription", "gcp": "GCP project"}[provider],
                "cc_user_email": USER_EMAIL,
                "status": status,
            }
            if provider == "aws" and state == "ACTIVE":
                document["aws"] = {"awsaccount": aws["_id"]}
            self.add("cloudaccounts", document)

    def clusters(self) -> None:
        for i, (name, platform, state, version, agent, seen_ago, message) in enumerate(catalog.CLUSTERS):
            status: dict[str, Any] = {
                "state": state,
                "agentURL": f"https://demo.cloudcasa.invalid/kubeclusteragents/agent-{self.rng.getrandbits(24):06x}/"
                f"{hashlib.sha1(name.encode()).hexdigest()[:32]}=.yaml",
                "pendingStateTimestamp": self.now - 2 * HOUR if state == "PENDING" else 0,
                "dormant": False,
                "num_recovery_points": 0,
                "kubeAgentManagerVersion": agent or "0.0",
                "scan_count": 0,
            }
            if seen_ago is not None:
                status.update(
                    message=message,
                    version=version,
                    agentVersion=3,
                    kubeAgentVersion=agent,
                    updateTime=self.now - seen_ago,
                    deployment_platform=platform,
                )
            document = {
                **self.meta((200 - i * 20) * DAY, seen_ago if seen_ago is not None else 5 * DAY),
                "name": name,
                "description": f"{platform or 'Lab'} cluster",
                "cc_user_email": USER_EMAIL,
                "org_id": ORG_ID,
                "tags": {"env": name.split("-")[0]},
                "status": status,
            }
            if i == 0:
                document["backup_provider"] = {"user_objectstore": self.ref("objectstores", 0)}
            self.add("kubeclusters", document)
        # The private MinIO store reaches the Internet through the lab cluster.
        self.docs["objectstores"][1]["proxy_cluster_list"] = [self.ref("kubeclusters", 2)]

    def namespaces(self) -> None:
        for c, cluster in enumerate(self.docs["kubeclusters"]):
            if cluster["status"]["state"] == "REGISTERED":
                continue
            for n, name in enumerate(catalog.NAMESPACES[: 4 + c % 5]):
                self.add(
                    "kubenamespaces",
                    {
                        **self.meta((150 - c) * DAY, (c + n) * HOUR),
                        "name": name,
                        "cluster_id": cluster["_id"],
                        "k8s_uid": f"{self.rng.getrandbits(128):032x}",
                    },
                )

    def policies(self) -> None:
        for i, (name, zone, schedules) in enumerate(catalog.POLICIES):
            entries = []
            for cron, retain, locked, always in schedules:
                minute, hour, dom, month, dow = cron.split()
                entries.append(
                    {
                        "retainDays": retain,
                        "locked": locked,
                        "numAlwaysRetain": always,
                        "schedule": {
                            "cronSpec": cron,
                            "minute": minute,
                            "hour": hour,
                            "dayOfMonth": dom,
                            "month": month,
                            "dayOfWeek": dow,
                        },
                    }
                )
            self.add(
                "policies",
                {
                    **self.meta((300 - i * 30) * DAY, (30 - i) * DAY),
                    "name": name,
                    "timezone": zone,
                    "schedules": entries,
                    "status": {"suspended": False},
                    "cc_user_email": USER_EMAIL,
                },
            )

    def hooks(self) -> None:
        for i, (name, kind, description, labels, container, command) in enumerate(catalog.HOOKS):
            target: dict[str, str] = {"command": command}
            if container:
                target["container"] = container
            self.add(
                "kubehooks",
                {
                    **self.meta((100 - i) * DAY),
                    "name": name,
                    "hook_type": kind,
                    "description": description,
                    "hook": [{"labels": labels, "target": [target]}],
                    "cc_user_email": USER_EMAIL,
                },
            )

    def backups(self) -> None:
        for i, (name, cluster, policy, trigger, paused, namespaces, hook) in enumerate(catalog.BACKUPS):
            source: dict[str, Any] = {
                "all_namespaces": namespaces is None,
                "snapshotPersistentVolumes": True,
                "snapshot_longhorn": True,
            }
            if namespaces is not None:
                source["namespaces"] = namespaces
            else:
                source["excluded_namespaces"] = ["kube-system"]
            document: dict[str, Any] = {
                **self.meta((90 - i * 5) * DAY, (12 - i) * DAY),
                "name": name,
                "cluster": self.ref("kubeclusters", cluster),
                "trigger_type": trigger,
                "pause": paused,
                "source": source,
                "pre_hooks": [
                    {
                        "template": False,
                        "namespaces": namespaces or [],
                        "hooks": [self.ref("kubehooks", hook)],
                    }
                ]
                if hook is not None
                else [],
                "post_hooks": [],
                "cc_user_email": USER_EMAIL,
                "org_id": ORG_ID,
            }
            if policy is not None:
                document["policy"] = self.ref("policies", policy)
            self.add("kubebackups", document)

    def offloads(self) -> None:
        for i, (name, backup, policy, store) in enumerate(catalog.OFFLOADS):
            definition = self.docs["kubebackups"][backup]
            document = self.add(
                "kubeoffloads",
                {
                    **self.meta((80 - i) * DAY, 2 * DAY),
                    "name": name,
                    "backupdef": definition["_id"],
                    "cluster": definition["cluster"],
                    "policy": self.ref("policies", policy),
                    "trigger_type": "SCHEDULED",
                    "delete_snapshots": True,
                    "run_backup": True,
                    "skip_live_copy": False,
                    "snapshot_longhorn": True,
                    "pause": False,
                    "offload_provider": {"user_objectstore": self.ref("objectstores", store)},
                    "options": {
                        "pvc_parallelism": 4,
                        "upload_speed_limit": 200_000_000,
                        "mover_ready_timeout": "20m",
                    },
                    "status": {"state": "PENDING", "message": ""},
                    "cc_user_email": USER_EMAIL,
                },
            )
            definition["copydef"] = document["_id"]
            definition["copy_policy"] = document["policy"]

    def restores(self) -> None:
        for i, (name, target, source, namespaces, options) in enumerate(catalog.RESTORES):
            selection: dict[str, Any] = {
                "all_namespaces": namespaces is None,
                "restorePersistentVolumes": True,
            }
            if namespaces is not None:
                selection["namespaces"] = namespaces
            document = {
                **self.meta((2 + i) * DAY, (2 + i) * DAY - 10),
                "name": name,
                "cluster": self.ref("kubeclusters", target),
                "source_cluster": self.ref("kubeclusters", source),
                "selection": selection,
                "pre_hooks": [],
                "post_hooks": [],
                "cc_user_email": USER_EMAIL,
                "status": {"state": "PENDING", "message": ""},
                **options,
            }
            self.add("kuberestores", document)

    def link_restores(self) -> None:
        """Point each restore, and its jobs, at a recovery point of its source cluster (made from the jobs)."""
        points = self.docs.get("backupinstances") or []
        for i, restore in enumerate(self.docs["kuberestores"]):
            mine = [p for p in points if p["cluster"] == restore["source_cluster"]] or points
            if mine:
                restore["backup_inst"] = mine[i % len(mine)]["_id"]
        by_id = {restore["_id"]: restore for restore in self.docs["kuberestores"]}
        for job in self.docs["jobs"]:
            target = by_id.get(job.get("restoredef"))
            if target is not None and "backup_inst" in target:
                job["backup_inst"] = target["backup_inst"]

    def admin(self) -> None:
        for i, (name, kind, description, permissions) in enumerate(catalog.ROLES):
            self.add(
                "roles",
                {
                    **self.meta(400 * DAY - i),
                    "name": name,
                    "type": kind,
                    "description": description,
                    "permissions": permissions,
                },
            )
        for i, (name, role, users) in enumerate(catalog.USERGROUPS):
            role_doc = self.docs["roles"][role]
            acl = {
                "resource": "allresources",
                "resourceIds": [],
                "permissions": [],
                "roles": [{"id": str(role_doc["_id"]), "name": role_doc["name"], "type": role_doc["type"]}],
            }
            self.add(
                "usergroups",
                {
                    **self.meta((300 - i) * DAY, (5 + i) * DAY),
                    "name": name,
                    "users": users,
                    "acls": [acl],
                    "cc_user_email": USER_EMAIL,
                },
            )
        for i, (email, first, last, state) in enumerate(catalog.INVITES):
            self.add(
                "orginvites",
                {
                    **self.meta((3 + 10 * i) * DAY),
                    "name": f"{first} {last}",
                    "email": email,
                    "first_name": first,
                    "last_name": last,
                    "expires_in_days": 7,
                    "state": state,
                    "inviter": USER_EMAIL,
                    "usergroups": [],
                    "acls": [],
                },
            )
        for i, (key_name, description, snippet, org_role) in enumerate(catalog.APIKEYS):
            self.add(
                "apikeys",
                {
                    **self.meta((50 - i * 20) * DAY),
                    "name": key_name,
                    "description": description,
                    "snippet": snippet,
                    "org_role": org_role,
                    "acls": [],
                    "cc_user_email": USER_EMAIL,
                },
            )


def seed(store: Store, options: SeedOptions | None = None) -> None:
    """Fill `store` with a demo organisation. The same options give the same documents."""
    builder = _Builder(store, options or SeedOptions())
    builder.objectstores()
    builder.accounts()
    builder.clusters()
    builder.namespaces()
    builder.policies()
    builder.hooks()
    builder.backups()
    builder.offloads()
    builder.restores()
    builder.jobs()
    builder.recovery_points()
    builder.link_restores()
    builder.definition_status()
    builder.alerts()
    builder.admin()
    with store.lock:
        builder.flush()
