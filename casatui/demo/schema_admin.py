"""Schemas of organisation administration: user groups, roles, invitations, API keys."""

from __future__ import annotations

from .fields import Rule, array, common_fields, enum, integer, name_field, obj, server_owned, string

_ACL = obj(
    {
        "resource": string(),
        "resourceIds": array(string()),
        "permissions": array(string()),
        "roles": array(obj({"id": string(), "name": string(), "type": string()})),
    }
)

USERGROUP: dict[str, Rule] = {
    "name": name_field(),
    "users": array(string()),
    "acls": array(_ACL),
    **common_fields(),
}

ROLE: dict[str, Rule] = {
    "name": name_field(),
    "description": string(),
    "permissions": array(string()),
    "type": enum("BUILTIN", "CUSTOM", default="CUSTOM"),
    **common_fields(),
}

ORGINVITE: dict[str, Rule] = {
    "name": string(),
    "email": string(required=True, regex=r"^[^@\s]+@[^@\s]+$"),
    "first_name": string(),
    "last_name": string(),
    "org": string(),
    "expires_in_days": integer(default=7, min=1),
    "state": enum("PENDING", "ACCEPTED", "DECLINED", "EXPIRED", default="PENDING"),
    "inviter": server_owned(string(nullable=True)),
    "usergroups": array(string()),
    "acls": array(_ACL),
    **common_fields(),
}

APIKEY: dict[str, Rule] = {
    "name": name_field(),
    "description": string(),
    "snippet": server_owned(string(maxlength=5)),
    "org_role": enum("USER", "ADMIN", default="USER"),
    "acls": array(_ACL),
    **common_fields(),
}
