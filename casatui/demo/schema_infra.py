"""Schemas of what backups run on and write to: clusters, storage, cloud accounts, cluster inventory."""

from __future__ import annotations

from .fields import (
    Rule,
    array,
    boolean,
    common_fields,
    enum,
    integer,
    name_field,
    obj,
    ref,
    server_owned,
    string,
)

CLUSTER_STATES = ("PENDING", "INVENTORY", "ACTIVE", "REGISTERED", "DISCOVERED")

KUBECLUSTER: dict[str, Rule] = {
    "name": name_field(),
    "description": string(),
    "backup_provider": obj({"type": string(), "region": string(), "user_objectstore": ref("objectstores")}),
    "configuration": obj(),
    "image_pull_secret_name": string(),
    "container_registry": string(),
    "status": server_owned(
        obj(
            {
                "state": enum(*CLUSTER_STATES),
                "otp": string(),
                "agentURL": string(),
                "message": string(nullable=True),
                "version": string(),
                "kubeAgentVersion": string(),
                "kubeAgentManagerVersion": string(),
                "deployment_platform": string(),
                "awsekscluster_arn": string(nullable=True),
                "azure_aks_cluster_id": string(nullable=True),
                "agentVersion": integer(),
                "pendingStateTimestamp": integer(),
                "updateTime": integer(),
                "num_recovery_points": integer(),
                "scan_count": integer(),
                "dormant": boolean(),
                "cloudaccount": string(nullable=True),
            }
        )
    ),
    **common_fields(),
}

_S3_CREDENTIALS = {
    "access_key": string(),
    "secret_key": string(),
    "subscription_id": string(),
    "tenant_id": string(),
    "client_id": string(),
    "client_secret": string(),
}

OBJECTSTORE: dict[str, Rule] = {
    # Objectstores are unique on provider + region + prefix + bucket, not on name.
    "name": name_field(unique=False),
    "provider_type": enum("aws", "azure", default="aws", unique_location=True),
    "bucket_name": string(),
    "region": string(),
    "prefix": string(),
    "s3provider": obj(
        {
            "endpoint": string(),
            "credentials": obj(_S3_CREDENTIALS),
            "cloud": enum("Public", "Government"),
            "resource_group_name": string(),
            "storage_account_name": string(),
        }
    ),
    "private": boolean(default=False),
    "proxy_cluster_list": array(ref("kubeclusters"), maxlength=1),
    "skip_tls_certificate_validation": boolean(default=False),
    "locked": boolean(default=False),
    "repo_password": string(),
    "account_id": string(),
    "validate_state": server_owned(enum("VALIDATING", "READY", "FAILED")),
    "validate_message": server_owned(string(nullable=True)),
    **common_fields(),
}

_INVENTORY = obj({"lastCompletedTimestamp": integer(), "state": enum("PENDING", "RUNNING"), "event_name": string()})

CLOUDACCOUNT: dict[str, Rule] = {
    "name": name_field(),
    "provider_type": enum("aws", "azure", "gcp", required=True),
    "description": string(),
    "aws": obj({"awsaccount": ref("awsaccounts")}),
    "azure": obj(),
    "gcp": obj(),
    "status": server_owned(
        obj(
            {
                "state": enum("PENDING", "ACTIVE"),
                "pendingStateTimestamp": integer(),
                "inventory": _INVENTORY,
                "updateAvailable": boolean(),
                "azure": obj(),
                "gcp": obj(),
            }
        )
    ),
    **common_fields(),
}

AWSACCOUNT: dict[str, Rule] = {
    "name": name_field(),
    "description": string(),
    "opt_out": array(enum("EBS", "RDS", "EKS")),
    "status": server_owned(
        obj(
            {
                "state": enum("PENDING", "ACTIVE"),
                "region": string(),
                "externalId": string(),
                "cfLaunchURL": string(),
                "cfTemplateVersion": string(),
                "awsAccountId": string(),
                "awsAccountRole": string(),
                "awsCFStackName": string(),
                "awsRoleArn": string(),
                "message": string(nullable=True),
                "version": string(),
                "inventory": _INVENTORY,
                "pendingStateTimestamp": integer(),
            }
        )
    ),
    **common_fields(),
}

KUBENAMESPACE: dict[str, Rule] = {
    "name": name_field(unique=False),
    "cluster_id": ref("kubeclusters", required=True, nullable=False),
    "k8s_uid": string(),
    "backupinst_id": ref("backupinstances"),
    **common_fields(),
}
