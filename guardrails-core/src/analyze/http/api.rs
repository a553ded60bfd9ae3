//! `http/destructive`, `http/privilege`, `http/secret_store`: what a request asks the server to do.
//!
//! ## What it catches
//! - Deletes of whole collections (`DELETE /v1/vehicles`), wildcards and `_all`
//!   (`DELETE /readings-*`), `?all=true`, bulk-delete endpoints (`POST /members/bulk-delete`,
//!   `/_delete_by_query`) → `data.bulk_delete`; deletes of resources that own others (a fleet, a
//!   project, a namespace) → `data.bulk_delete` (medium) or `infra.destroy`.
//! - Kubernetes API deletes, cloud control-plane deletes, AWS query-API actions
//!   (`Action=TerminateInstances`), code-host repository deletes → `infra.destroy`; protected
//!   branch rewrites → `vcs.history_rewrite`.
//! - Role assignments that hand out owner/admin rights, and containers or pods that escape to
//!   their host (privileged, host namespaces, the host's root or Docker socket mounted) →
//!   `privilege.escalate`.
//! - Reads of secret stores (Consul KV dumps, Vault, Kubernetes secrets, Secrets Manager) →
//!   `credential.read`.
//! - Commands run through Kubernetes `exec` and Docker exec endpoints, which the caller analyses
//!   as shell ([`exec_command`]).
//!
//! ## Passes
//! Reads, keyed writes and deletes of single leaf resources (`DELETE /v1/bookings/b_1/hold`),
//! explicit small id lists to bulk endpoints.
//!
//! - GraphQL mutations named for mass deletion (`deleteAllOrders`) → `data.bulk_delete`, or for
//!   deleting a container (`deleteRepository`) → `infra.destroy`.
//!
//! ## Known gaps
//! GraphQL mutations are judged by name only; APIs that delete with `POST /resource/{id}` and no telling
//! verb look like updates.
//!
//! ## Intents
//! `data.bulk_delete`, `data.bulk_update`, `data.export`, `infra.destroy`, `schema.drop`, `system.disrupt`,
//! `vcs.history_rewrite`, `privilege.escalate`, `privilege.grant`, `credential.read`

use std::borrow::Cow;

use serde_json::Value;
use smallvec::SmallVec;

use crate::analyze::shell::unwrap::shell_quote;
use crate::analyze::Detector;
use crate::fact::{Severity, Target};
use crate::intent::Intent;

use super::{Request, Url};

pub(crate) const DESTRUCTIVE: Detector = Detector {
    id: "http/destructive",
    intents: &[
        Intent::DataExport,
        Intent::DataBulkDelete,
        Intent::DataBulkUpdate,
        Intent::InfraDestroy,
        Intent::SchemaDrop,
        Intent::SystemDisrupt,
        Intent::VcsHistoryRewrite,
    ],
    triggers: &[],
};

pub(crate) const PRIVILEGE: Detector =
    Detector { id: "http/privilege", intents: &[Intent::PrivilegeEscalate, Intent::PrivilegeGrant], triggers: &[] };

pub(crate) const SECRET_STORE: Detector =
    Detector { id: "http/secret_store", intents: &[Intent::CredentialRead], triggers: &[] };

/// Where a fact goes: intent, severity, detector, target, message.
pub(crate) type Emit<'e> = dyn FnMut(Intent, Severity, &'static str, Option<Target>, String) + 'e;

/// Resources whose deletion takes infrastructure with it.
const INFRA_CONTAINERS: &[&str] = &[
    "projects",
    "repos",
    "repositories",
    "clusters",
    "namespaces",
    "databases",
    "dbs",
    "buckets",
    "instances",
    "servers",
    "vms",
    "machines",
    "environments",
    "envs",
    "workspaces",
    "organizations",
    "orgs",
    "accounts",
    "tenants",
    "apps",
    "applications",
    "services",
    "stacks",
    "zones",
    "volumes",
    "disks",
    "indices",
    "indexes",
    "tables",
    "schemas",
    "topics",
    "queues",
    "pipelines",
    "deployments",
    "statefulsets",
    "daemonsets",
    "sites",
    "stores",
    "subscriptions",
    "resourcegroups",
    "networks",
    "vpcs",
    "registries",
    "keyrings",
    "droplets",
    "snapshots",
    "backups",
    "datasets",
    "warehouses",
    "nodes",
    "nodepools",
    "functions",
];

/// Resources that group others: deleting one deletes its members.
const GROUPINGS: &[&str] = &[
    "fleets",
    "groups",
    "teams",
    "lists",
    "folders",
    "directories",
    "catalogs",
    "collections",
    "portfolios",
    "campaigns",
    "albums",
    "boards",
    "channels",
    "companies",
    "spaces",
    "libraries",
    "audiences",
    "segments",
    "households",
    "families",
    "departments",
    "divisions",
    "regions",
    "branches",
    "courses",
    "classes",
];

/// Path words that name a bulk deletion.
/// (A `match`, not a list: the words are told apart by length first, without a call each.)
fn is_bulk_delete_word(segment: &str) -> bool {
    matches!(
        segment,
        "bulk-delete"
            | "bulk_delete"
            | "bulkdelete"
            | "batch-delete"
            | "batch_delete"
            | "batchdelete"
            | "delete-all"
            | "delete_all"
            | "deleteall"
            | "mass-delete"
            | "remove-all"
            | "remove_all"
            | "purge"
            | "truncate"
            | "wipe"
            | "destroy-all"
            | "_delete_by_query"
            | "flush"
            | "flushall"
            | "reset-all"
    )
}

/// Role names that make someone an owner or administrator.
const PRIVILEGED_ROLES: &[&str] = &[
    "owner",
    "owners",
    "admin",
    "admins",
    "administrator",
    "administrators",
    "superuser",
    "super_admin",
    "superadmin",
    "root",
    "cluster-admin",
    "roles/owner",
    "roles/editor",
    "roles/iam.securityadmin",
    "administratoraccess",
    "arn:aws:iam::aws:policy/administratoraccess",
    "*",
    "global_admin",
    "org_admin",
    "organization_admin",
    "account_admin",
    "accountadmin",
    "securityadmin",
    "sysadmin",
];

/// Path words that say a request hands out rights (besides any word holding `role`, which
/// `roles` tests on its own).
/// (A `match`, not a list: the words are told apart by length first, without a call each.)
fn is_role_word(segment: &str) -> bool {
    matches!(
        segment,
        "permissions"
            | "permission"
            | "grants"
            | "grant"
            | "admins"
            | "collaborators"
            | "memberships"
            | "members"
            | "iam"
            | "acl"
            | "acls"
            | "access"
            | "policies"
            | "policy"
            | "assign"
            | "assignments"
            | "privileges"
            | "users"
            | "teams"
            | "groups"
            | "invitations"
            | "invites"
            | "shares"
            | "sharing"
            | "owners"
            | "administrators"
            | "bindings"
            | "grantees"
            | "principals"
    )
}

/// Hosts where everything a `DELETE` removes is infrastructure.
const CONTROL_PLANES: &[&str] = &[
    "googleapis.com",
    "management.azure.com",
    "amazonaws.com",
    "api.digitalocean.com",
    "api.heroku.com",
    "api.cloudflare.com",
    "api.vercel.com",
    "api.render.com",
    "api.fly.io",
    "api.linode.com",
    "api.hetzner.cloud",
    "api.netlify.com",
    "api.supabase.com",
    "console.neon.tech",
    "api.planetscale.com",
];

/// Checks the method and URL (and, for bulk endpoints, the body) of a request.
pub(crate) fn check(
    method: &str,
    url: &Url,
    request: &Request<'_>,
    body: Option<&Value>,
    protected: &[crate::glob::Glob],
    emit: &mut Emit<'_>,
) {
    // Segments are copied only when they have capitals to lower.
    let lowered: SmallVec<[Cow<'_, str>; 8]> = url
        .segments
        .iter()
        .map(|s| match s.bytes().any(|b| b.is_ascii_uppercase()) {
            true => Cow::Owned(s.to_ascii_lowercase()),
            false => Cow::Borrowed(s.as_ref()),
        })
        .collect();
    let segs: SmallVec<[&str; 8]> = lowered.iter().map(AsRef::as_ref).collect();
    secret_stores(method, url, &segs, request, emit);
    if let Some(action) = aws_action(url, request, body) {
        aws(&action, url, body, emit);
    }
    match method {
        "DELETE" => {
            control_planes(method, url, &segs, body, emit);
            delete(url, &segs, body, protected, emit)
        }
        "POST" | "PUT" | "PATCH" => {
            admin_flags(&segs, body, emit);
            control_planes(method, url, &segs, body, emit);
            bulk_endpoint(&segs, body, emit);
            graphql_mutation(body, emit);
            privileged_container(&segs, body, emit);
            scale_to_zero(&segs, body, emit);
            roles(&segs, body, emit);
            branch_rewrite(url, &segs, body, emit);
        }
        _ => {}
    }
}

fn target(kind: &'static str, name: impl Into<String>) -> Option<Target> {
    Some(Target { kind, name: name.into() })
}

/// A segment that names one resource rather than a kind of resource: it holds a digit, or it is
/// long and opaque.
fn is_id(seg: &str) -> bool {
    seg.bytes().any(|b| b.is_ascii_digit()) || (seg.len() >= 20 && seg.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A version segment (`v1`, `v2beta1`, `2010-04-01`): part of the API's address, not a resource.
fn is_version(seg: &str) -> bool {
    let b = seg.as_bytes();
    (b.first() == Some(&b'v') && b.get(1).is_some_and(u8::is_ascii_digit) && seg.len() <= 10)
        || (seg.len() == 10 && seg.bytes().all(|c| c.is_ascii_digit() || c == b'-'))
}

/// A plural resource name (`vehicles`, `members`): lower-case letters, ending in `s`.
fn is_collection(seg: &str) -> bool {
    seg.len() > 2
        && seg.ends_with('s')
        && !seg.ends_with("ss")
        && !seg.ends_with("us")
        && seg.bytes().all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        && !matches!(seg, "settings" | "preferences" | "details" | "contents" | "status")
}

fn delete(url: &Url, segs: &[&str], body: Option<&Value>, protected: &[crate::glob::Glob], emit: &mut Emit<'_>) {
    let path = format!("/{}", url.segments.join("/"));
    // Object stores: a bucket's address deletes the bucket, an object's address one object.
    if let Some(store) = object_store(url, segs) {
        if let Some(bucket) = store.deleted_bucket {
            emit(
                Intent::InfraDestroy,
                Severity::High,
                DESTRUCTIVE.id,
                target("bucket", &bucket),
                format!("deletes the bucket `{bucket}` with everything stored in it"),
            );
        }
        return;
    }
    let Some(last) = segs.last().copied() else {
        emit(
            Intent::DataBulkDelete,
            Severity::High,
            DESTRUCTIVE.id,
            target("location", url.host.as_ref()),
            format!("DELETE on the root of `{}`", url.host),
        );
        return;
    };
    let code_host = code_host_repository(url, segs);
    // Kubernetes: /api/v1/namespaces/ns/pods/x, /apis/apps/v1/namespaces/ns/statefulsets/x.
    if let Some(k8s) = kubernetes_resource(segs).filter(|_| code_host.is_none()) {
        let (severity, what) = match (k8s.resource, k8s.name) {
            (_, None) => (Severity::Critical, format!("every {} in the namespace", k8s.resource)),
            ("namespaces", Some(n)) => (Severity::Critical, format!("the namespace `{n}` and all it holds")),
            ("pods", Some(n)) => {
                emit(
                    Intent::SystemDisrupt,
                    Severity::Low,
                    DESTRUCTIVE.id,
                    target("location", n),
                    format!("deletes the pod `{n}`, which its controller restarts"),
                );
                return;
            }
            (r, Some(n)) => (Severity::High, format!("the {} `{n}`", r.trim_end_matches('s'))),
        };
        emit(
            Intent::InfraDestroy,
            severity,
            DESTRUCTIVE.id,
            target("location", &path),
            format!("deletes {what} through the Kubernetes API"),
        );
        return;
    }
    if segs.iter().any(|s| s.contains('*') || *s == "_all") {
        let index_like = segs.len() == 1 || url.port == Some(9200);
        let intent = if index_like { Intent::SchemaDrop } else { Intent::DataBulkDelete };
        emit(
            intent,
            Severity::Critical,
            DESTRUCTIVE.id,
            target(if index_like { "index" } else { "location" }, &path),
            format!("DELETE `{path}` matches everything the wildcard names"),
        );
        return;
    }
    if ["all", "force_all", "purge", "recursive", "cascade"]
        .iter()
        .any(|p| url.param(p).is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "")))
    {
        emit(
            Intent::DataBulkDelete,
            Severity::High,
            DESTRUCTIVE.id,
            target("location", &path),
            format!("DELETE `{path}` with a flag that widens it to everything below"),
        );
        return;
    }
    // Code hosts: the repository or project itself, a branch, or something inside the repository.
    if let Some(n) = code_host {
        code_host_delete(&segs[n..], &path, protected, emit);
        return;
    }
    // Elasticsearch / OpenSearch: DELETE /index drops the index.
    if url.port == Some(9200) && segs.len() == 1 && !last.starts_with('_') {
        emit(
            Intent::SchemaDrop,
            Severity::High,
            DESTRUCTIVE.id,
            target("index", last),
            format!("DELETE `{path}` drops the search index `{last}`"),
        );
        return;
    }
    if CONTROL_PLANES.iter().any(|c| super::super::destination::host_within(&url.host, c)) {
        emit(
            Intent::InfraDestroy,
            Severity::High,
            DESTRUCTIVE.id,
            target("location", &path),
            format!("deletes `{path}` on the cloud control plane `{}`", url.host),
        );
        return;
    }
    // One resource of a kind that owns others: the segment after the kind names it, whether it
    // is an id (`/v1/clusters/c-prod-1`) or a name (`/v1/buckets/invoices-archive`).
    if segs.len() >= 2 {
        let kind = segs[segs.len() - 2];
        let names_one = is_id(last) || !(is_version(last) || owns_others(last));
        if owns_others(kind) && names_one {
            if INFRA_CONTAINERS.contains(&kind) {
                emit(
                    Intent::InfraDestroy,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("location", &path),
                    format!("deletes the {} `{last}` and everything in it", singular(kind)),
                );
            } else {
                emit(
                    Intent::DataBulkDelete,
                    Severity::Medium,
                    DESTRUCTIVE.id,
                    target("location", &path),
                    format!("deletes the {} `{last}` and everything that belongs to it", singular(kind)),
                );
            }
            return;
        }
    }
    // A whole collection: the last segment is a kind of resource, not one of them.
    if !is_id(last) && is_collection(last) && !last.contains('.') {
        // `DELETE /v1/tags?id=t_1`, `DELETE /v1/tags {"ids": [...]}`: the members are named.
        if names_members(url, last, body) {
            return;
        }
        let nested = segs[..segs.len() - 1].iter().any(|s| is_id(s) && !is_version(s));
        if nested {
            emit(
                Intent::DataBulkDelete,
                Severity::Low,
                DESTRUCTIVE.id,
                target("location", &path),
                format!("DELETE `{path}` removes every {last} of one parent"),
            );
        } else {
            emit(
                Intent::DataBulkDelete,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", &path),
                format!("DELETE `{path}` removes the whole `{last}` collection"),
            );
        }
    }
}

/// A kind of resource whose members own others: infrastructure, or a grouping.
fn owns_others(seg: &str) -> bool {
    INFRA_CONTAINERS.contains(&seg) || GROUPINGS.contains(&seg)
}

/// `buckets` → `bucket`, `directories` → `directory`, `indices` → `index`.
fn singular(kind: &str) -> String {
    if kind == "indices" {
        return "index".to_owned();
    }
    if let Some(stem) = kind.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if let Some(stem) = kind.strip_suffix("xes").or_else(|| kind.strip_suffix("sses")) {
        return format!("{stem}{}", if kind.ends_with("xes") { "x" } else { "ss" });
    }
    kind.strip_suffix('s').unwrap_or(kind).to_owned()
}

/// Whether a collection DELETE names the members it removes: `?id=42`, `?ids=1,2`,
/// `?tag_id=t_1`, or a body `{"ids": [...]}`. A filter on another field (`?customer_id=7`) is not
/// a list of members: it selects every member of one parent.
fn names_members(url: &Url, collection: &str, body: Option<&Value>) -> bool {
    let member = singular(collection).replace('-', "_");
    let member_key = |key: &str| {
        let k = key.trim_end_matches("[]").to_ascii_lowercase().replace('-', "_");
        let k = k.trim_end_matches('s');
        k == "id" || k.strip_prefix(member.as_str()).is_some_and(|rest| rest == "_id" || rest == "id")
    };
    let explicit = |v: &str| {
        let v = v.trim();
        !v.is_empty()
            && v.split(',').all(|id| !matches!(id.trim().to_ascii_lowercase().as_str(), "" | "*" | "all" | "%"))
    };
    if url.query.iter().any(|(k, v)| member_key(k) && explicit(v)) {
        return true;
    }
    let Some(Value::Object(m)) = body else { return false };
    m.iter().any(|(k, v)| {
        member_key(k)
            && match v {
                Value::String(s) => explicit(s),
                Value::Number(_) => true,
                Value::Array(items) => {
                    !items.is_empty()
                        && items.len() <= 100
                        && items.iter().all(|i| i.is_number() || i.as_str().is_some_and(explicit))
                }
                _ => false,
            }
    })
}

/// The number of leading segments that address a repository or project on a code host, when
/// the path is under one: GitHub (`/repos/o/r`, Enterprise `/api/v3/repos/o/r`), GitLab
/// (`/api/v4/projects/:id`, `/api/v4/groups/:id`), Gitea and Forgejo (`/api/v1/repos/o/r`),
/// Bitbucket (`/2.0/repositories/w/r`).
fn code_host_repository(url: &Url, segs: &[&str]) -> Option<usize> {
    match segs {
        ["api", "v4", "projects" | "groups", _, ..] => Some(4),
        ["api", "v3" | "v1", "repos", _, _, ..] => Some(5),
        ["repos", _, _, ..] if url.host == "api.github.com" => Some(3),
        [_, "repositories", _, _, ..] if url.host == "api.bitbucket.org" => Some(4),
        _ => None,
    }
}

/// A DELETE under a code host's repository (`rest` is the path below it).
fn code_host_delete(rest: &[&str], path: &str, protected: &[crate::glob::Glob], emit: &mut Emit<'_>) {
    match rest {
        [] => emit(
            Intent::InfraDestroy,
            Severity::Critical,
            DESTRUCTIVE.id,
            target("repository", path),
            format!("deletes the repository `{path}` with its history, issues and reviews"),
        ),
        ["git", "refs", "heads", branch @ ..]
        | ["repository", "branches", branch @ ..]
        | ["branches", branch @ ..]
        | ["refs", "branches", branch @ ..]
            if !branch.is_empty() && !branch.contains(&"protection") =>
        {
            let branch = branch.join("/");
            emit(
                Intent::VcsHistoryRewrite,
                super::super::branch_delete_severity(Some(&branch), protected),
                DESTRUCTIVE.id,
                target("location", path),
                format!("deletes the branch `{branch}`"),
            );
        }
        // Every member of one kind in the repository (`/repository/merged_branches`).
        [.., last] if !is_id(last) && is_collection(last) => {
            emit(
                Intent::DataBulkDelete,
                Severity::Low,
                DESTRUCTIVE.id,
                target("location", path),
                format!("DELETE `{path}` removes every {last} of one repository"),
            );
        }
        // A label, an issue comment, one pipeline run: a leaf of the repository.
        _ => {}
    }
}

/// A body that switches on an administrator flag (`{"isGrafanaAdmin": true}`, `{"site_admin":
/// true}`), or a path that maps someone to a superuser role (OpenSearch
/// `/_plugins/_security/api/rolesmapping/all_access`).
fn admin_flags(segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    fn flag(v: &Value, depth: usize) -> Option<String> {
        let m = v.as_object().filter(|_| depth < 8)?;
        m.iter().find_map(|(k, v)| {
            // Compared without case, `_` or `-`, in a stack buffer: bodies have many keys.
            let mut buf = [0u8; 16];
            let mut n = 0;
            let admin = v.as_bool() == Some(true)
                && k.bytes().filter(|b| *b != b'_' && *b != b'-').all(|b| {
                    let fits = n < buf.len();
                    if fits {
                        buf[n] = b.to_ascii_lowercase();
                        n += 1;
                    }
                    fits
                })
                && matches!(
                    &buf[..n],
                    b"admin"
                        | b"isadmin"
                        | b"siteadmin"
                        | b"superuser"
                        | b"issuperuser"
                        | b"isgrafanaadmin"
                        | b"isserveradmin"
                        | b"sysadmin"
                );
            if admin {
                Some(k.clone())
            } else {
                flag(v, depth + 1)
            }
        })
    }
    if let Some(key) = body.and_then(|b| flag(b, 0)) {
        emit(
            Intent::PrivilegeEscalate,
            Severity::High,
            PRIVILEGE.id,
            target("role", &key),
            format!("sets `{key}: true`, an administrator's rights"),
        );
        return;
    }
    if let Some(w) =
        segs.windows(2).find(|w| matches!(w[0], "rolesmapping" | "role_mapping" | "rolemappings" | "role-mappings"))
    {
        let role = w[1];
        if matches!(role, "all_access" | "security_manager" | "admin" | "superuser" | "manage_security") {
            emit(
                Intent::PrivilegeEscalate,
                Severity::High,
                PRIVILEGE.id,
                target("role", role),
                format!("maps users to the superuser role `{role}`"),
            );
        }
    }
}

/// Control planes with a meaning of their own: a code host's repository settings (branch
/// protection removed, write deploy keys, a private repository made public), Vault (root tokens,
/// sealing), Prometheus (deleting every series).
fn control_planes(method: &str, url: &Url, segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    let get_bool = |k: &str| body.and_then(|b| b.get(k)).and_then(Value::as_bool);
    if let Some(at) = code_host_repository(url, segs) {
        let repo = segs[..at].join("/");
        match (method, &segs[at..]) {
            ("DELETE", ["branches", branch @ .., "protection"]) if !branch.is_empty() => {
                let branch = branch.join("/");
                emit(
                    Intent::VcsHistoryRewrite,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("location", &branch),
                    format!("removes the protection of `{branch}`: force pushes and deletion become possible"),
                );
            }
            ("PUT" | "PATCH" | "POST", ["branches", branch @ .., "protection"])
                if get_bool("allow_force_pushes") == Some(true) || get_bool("allow_deletions") == Some(true) =>
            {
                let branch = branch.join("/");
                emit(
                    Intent::VcsHistoryRewrite,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("location", &branch),
                    format!("lets anyone force-push to or delete `{branch}`"),
                );
            }
            ("POST", ["keys"] | ["deploy_keys"])
                if get_bool("read_only") != Some(true) && get_bool("can_push") != Some(false) =>
            {
                emit(
                    Intent::PrivilegeEscalate,
                    Severity::High,
                    PRIVILEGE.id,
                    target("repository", &repo),
                    "adds a deploy key that can push to the repository".to_owned(),
                );
            }
            // GitLab's commits API with `force: true` rebuilds the branch from `start_sha`.
            ("POST", ["repository", "commits"]) if get_bool("force") == Some(true) => {
                let branch = body.and_then(|b| b.get("branch")).and_then(Value::as_str).unwrap_or("");
                emit(
                    Intent::VcsHistoryRewrite,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("location", branch),
                    format!("force-rewrites the branch `{branch}` through the commits API"),
                );
            }
            // A repository transferred to another owner leaves the organisation's accounts.
            ("POST", ["transfer"]) => {
                let owner = body.and_then(|b| b.get("new_owner")).and_then(Value::as_str).unwrap_or("another owner");
                emit(
                    Intent::DataExport,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("repository", &repo),
                    format!("transfers the repository to `{owner}`"),
                );
            }
            ("PATCH" | "PUT", [])
                if get_bool("private") == Some(false)
                    || body.and_then(|b| b.get("visibility")).and_then(Value::as_str) == Some("public") =>
            {
                emit(
                    Intent::DataExport,
                    Severity::High,
                    DESTRUCTIVE.id,
                    target("repository", &repo),
                    "makes the repository public: its code and history are exposed".to_owned(),
                );
            }
            _ => {}
        }
        return;
    }
    match segs {
        // Vault: `auth/token/create` with the root policy mints a root token; `sys/seal` stops it.
        ["v1", "auth", "token", create, ..] if create.starts_with("create") => {
            let root = body
                .and_then(|b| b.get("policies"))
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|x| x.as_str() == Some("root")));
            if root {
                emit(
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    PRIVILEGE.id,
                    target("role", "root"),
                    "mints a Vault token with the root policy".to_owned(),
                );
            }
        }
        // Spring Boot's actuator stops the application.
        [.., "actuator", "shutdown"] if method == "POST" => {
            emit(
                Intent::SystemDisrupt,
                Severity::High,
                DESTRUCTIVE.id,
                target("server", ""),
                "the actuator `shutdown` endpoint stops the application".to_owned(),
            );
        }
        // Message queues' purge endpoints (RabbitMQ `DELETE /api/queues/{vhost}/{queue}/contents`).
        [.., "queues", _, _, "contents" | "messages" | "purge"]
            if method == "DELETE" || segs.last() == Some(&"purge") =>
        {
            let queue = segs[segs.len() - 2];
            emit(
                Intent::DataBulkDelete,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", queue),
                format!("purges every message of the queue `{queue}`"),
            );
        }
        // etcd's gateway: `range_end` `\0` (`AA==`) with any key deletes every key from it on.
        [.., "kv", "deleterange"] => {
            let range_end = body.and_then(|b| b.get("range_end")).and_then(Value::as_str);
            if range_end == Some("AA==") {
                emit(
                    Intent::InfraDestroy,
                    Severity::Critical,
                    DESTRUCTIVE.id,
                    target("cluster", ""),
                    "deletes every key in etcd (`range_end` `\\0`)".to_owned(),
                );
            }
        }
        // Directory APIs that promote an account (Google Workspace `users/{id}/makeAdmin`).
        [.., last]
            if matches!(
                last.to_ascii_lowercase().as_str(),
                "makeadmin" | "make_admin" | "promotetoadmin" | "grantadmin"
            ) =>
        {
            emit(
                Intent::PrivilegeEscalate,
                Severity::High,
                PRIVILEGE.id,
                target("role", "admin"),
                format!("`{last}` makes the account an administrator"),
            );
        }
        // Vault: unmounting a secrets engine destroys everything stored under it.
        ["v1", "sys", "mounts", ..] if method == "DELETE" && segs.len() > 3 => {
            let mount = segs[3..].join("/");
            emit(
                Intent::InfraDestroy,
                Severity::Critical,
                DESTRUCTIVE.id,
                target("location", &mount),
                format!("unmounts the Vault secrets engine `{mount}`, destroying every secret in it"),
            );
        }
        // Consul: `DELETE /v1/kv/<prefix>?recurse` deletes the whole tree under the prefix.
        ["v1", "kv", rest @ ..] if method == "DELETE" && url.param("recurse").is_some() => {
            let prefix = rest.join("/");
            let severity = if prefix.is_empty() { Severity::Critical } else { Severity::High };
            emit(
                Intent::DataBulkDelete,
                severity,
                DESTRUCTIVE.id,
                target("location", &prefix),
                format!("deletes every Consul key under `/{prefix}`"),
            );
        }
        // Kubernetes `TokenRequest`: a new token for a service account, handed to the caller.
        [.., "serviceaccounts", _, "token"] if method == "POST" => {
            emit(
                Intent::CredentialRead,
                Severity::High,
                SECRET_STORE.id,
                target("location", segs.join("/")),
                "mints a service-account token and returns it to the caller".to_owned(),
            );
        }
        ["v1", "sys", "seal"] => {
            emit(
                Intent::SystemDisrupt,
                Severity::High,
                DESTRUCTIVE.id,
                target("server", ""),
                "seals Vault: no secret can be read until it is unsealed".to_owned(),
            );
        }
        // Prometheus: `delete_series` with a matcher every series meets.
        [.., "admin", "tsdb", "delete_series"] => {
            let matchers: Vec<&str> =
                url.query.iter().filter(|(k, _)| k.starts_with("match")).map(|(_, v)| v.as_str()).collect();
            let every = matchers.is_empty()
                || matchers.iter().any(|m| {
                    let m: String = m.chars().filter(|c| !c.is_whitespace()).collect();
                    m.contains("=~\".+\"") || m.contains("=~\".*\"") || m.contains("!=\"\"")
                });
            if every {
                emit(
                    Intent::DataBulkDelete,
                    Severity::Critical,
                    DESTRUCTIVE.id,
                    target("location", "/api/v1/admin/tsdb"),
                    "deletes every time series".to_owned(),
                );
            }
        }
        _ => {}
    }
}

/// An object store address: S3 and its compatibles, Google Cloud Storage.
struct ObjectStore {
    /// The bucket a DELETE of this address removes; `None` for an object or a bucket's settings.
    deleted_bucket: Option<String>,
}

/// Reads S3-style (`bucket.s3.region.amazonaws.com/key`, `s3.region.amazonaws.com/bucket/key`)
/// and GCS (`storage.googleapis.com/storage/v1/b/bucket/o/key`, `storage.googleapis.com/bucket/key`)
/// addresses.
fn object_store(url: &Url, segs: &[&str]) -> Option<ObjectStore> {
    use super::super::destination::host_within;
    let host = url.host.as_ref();
    let labels: Vec<&str> = host.split('.').collect();
    // `?lifecycle`, `?policy`, `?tagging`: a bucket's settings, not the bucket.
    let settings = url.query.iter().any(|(k, _)| !k.eq_ignore_ascii_case("x-id"));
    let (bucket, below): (Option<String>, &[&str]) =
        if ["amazonaws.com", "wasabisys.com", "backblazeb2.com"].iter().any(|s| host_within(host, s)) {
            let s3 = labels.iter().rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
            if s3 > 0 {
                (Some(labels[..s3].join(".")), segs)
            } else {
                (segs.first().map(|b| (*b).to_owned()), segs.get(1..).unwrap_or(&[]))
            }
        } else if host_within(host, "r2.cloudflarestorage.com") {
            (segs.first().map(|b| (*b).to_owned()), segs.get(1..).unwrap_or(&[]))
        } else if host_within(host, "digitaloceanspaces.com") && labels.len() == 4 {
            (Some(labels[0].to_owned()), segs)
        } else if host == "storage.googleapis.com" {
            match segs {
                ["storage", _, "b", bucket, rest @ ..] => (Some((*bucket).to_owned()), rest),
                ["storage", ..] => return None,
                [bucket, rest @ ..] => (Some((*bucket).to_owned()), rest),
                [] => (None, segs),
            }
        } else if host.ends_with(".storage.googleapis.com") {
            (Some(host.trim_end_matches(".storage.googleapis.com").to_owned()), segs)
        } else {
            return None;
        };
    Some(ObjectStore { deleted_bucket: bucket.filter(|_| below.is_empty() && !settings) })
}

struct K8s<'a> {
    resource: &'a str,
    name: Option<&'a str>,
}

/// The resource a Kubernetes API path names (`/api/v1/namespaces/ns/pods/x` → pods, x).
fn kubernetes_resource<'a>(segs: &[&'a str]) -> Option<K8s<'a>> {
    let rest = match segs {
        // The core group is only ever `v1`; `/api/v4/…` is GitLab.
        ["api", "v1", rest @ ..] => rest,
        ["apis", _group, v, rest @ ..] if v.starts_with('v') => rest,
        _ => return None,
    };
    let rest = match rest {
        ["namespaces", ns] => return Some(K8s { resource: "namespaces", name: Some(ns) }),
        ["namespaces", _ns, rest @ ..] => rest,
        other => other,
    };
    match rest {
        [resource] => Some(K8s { resource, name: None }),
        [resource, name, ..] => Some(K8s { resource, name: Some(name) }),
        [] => None,
    }
}

/// Bulk endpoints: `POST /members/bulk-delete`, `POST /idx/_delete_by_query`.
fn bulk_endpoint(segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    // JSON-RPC: `{"method": "prescriptions.bulkUpdate", "params": {"where": {}}}`.
    if let Some(method) = body
        .and_then(|b| b.get("method"))
        .and_then(Value::as_str)
        .filter(|_| body.is_some_and(|b| b.get("jsonrpc").is_some()))
    {
        let lower = method.to_ascii_lowercase();
        let bulk =
            ["bulkdelete", "bulkupdate", "deletemany", "updatemany", "deleteall", "updateall", "purge", "truncate"]
                .iter()
                .any(|w| lower.replace(['_', '-'], "").contains(w));
        let params = body.and_then(|b| b.get("params"));
        let everything = params.is_none_or(|p| {
            ["where", "filter", "query", "criteria"]
                .iter()
                .any(|k| p.get(*k).is_some_and(|f| f.as_object().is_some_and(|o| o.is_empty())))
                || (p.as_object().is_some_and(|o| o.is_empty()))
        });
        if bulk && everything {
            let intent = if lower.contains("update") { Intent::DataBulkUpdate } else { Intent::DataBulkDelete };
            emit(
                intent,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", method),
                format!("the JSON-RPC call `{method}` with no condition reaches every record"),
            );
            return;
        }
    }
    // `POST /v1/consignments/batch {"action": "delete", …}`: a batch endpoint told to delete.
    let batch_delete = matches!(segs.last(), Some(&("batch" | "bulk" | "_bulk" | "batches")))
        && body.is_some_and(|b| {
            ["action", "op", "operation", "method", "type"]
                .iter()
                .any(|k| b.get(*k).and_then(Value::as_str).is_some_and(|a| a.eq_ignore_ascii_case("delete")))
        });
    let word = segs.iter().rev().take(2).find(|s| is_bulk_delete_word(s)).copied().or(batch_delete.then_some("batch"));
    // Solr `update` with `<delete><query>*:*</query></delete>` (or its JSON form) empties the core.
    if segs.last() == Some(&"update") && segs.contains(&"solr") {
        let text = body.map(|b| b.to_string()).unwrap_or_default();
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains("<query>*:*</query>") || compact.contains("\"query\":\"*:*\"") {
            emit(
                Intent::DataBulkDelete,
                Severity::Critical,
                DESTRUCTIVE.id,
                target("location", format!("/{}", segs.join("/"))),
                "a Solr delete by the query `*:*` deletes every document".to_owned(),
            );
            return;
        }
    }
    let Some(word) = word else {
        if segs.last() == Some(&"_update_by_query") && !body.is_some_and(has_query) {
            emit(
                Intent::DataBulkUpdate,
                Severity::High,
                DESTRUCTIVE.id,
                None,
                "`_update_by_query` without a query updates every document".to_owned(),
            );
        }
        return;
    };
    let everything = match body {
        None => true,
        Some(b) => selects_everything(b),
    };
    if !everything && body.is_some_and(names_few_ids) {
        return;
    }
    // A retention purge, documents older than a point in time, is routine, as `DELETE … WHERE
    // created_at < now() - interval '90 days'` is in SQL.
    if !everything && word == "_delete_by_query" && body.is_some_and(older_than) {
        return;
    }
    let (severity, how) = if everything { (Severity::Critical, "everything") } else { (Severity::High, "in bulk") };
    emit(
        Intent::DataBulkDelete,
        severity,
        DESTRUCTIVE.id,
        target("location", format!("/{}", segs.join("/"))),
        format!("`{word}` deletes {how}"),
    );
}

/// A body that selects every record: `{"select": "all"}`, `{"query": {"match_all": {}}}`, `{}`.
fn selects_everything(v: &Value) -> bool {
    match v {
        Value::Object(m) if m.is_empty() => true,
        Value::Object(m) => m.iter().any(|(k, v)| {
            let k = k.to_ascii_lowercase();
            // `exists` matches every document that has the field: all of them, in practice.
            k == "match_all"
                || (k == "exists" && v.is_object())
                || (matches!(k.as_str(), "select" | "scope" | "all" | "filter" | "where" | "ids" | "query")
                    && match v {
                        Value::String(s) => matches!(s.to_ascii_lowercase().as_str(), "all" | "*" | "everything" | ""),
                        Value::Bool(b) => *b && k == "all",
                        Value::Object(o) => o.is_empty() || selects_everything(v),
                        // `"ids": ["*"]`
                        Value::Array(items) => items.iter().any(|i| matches!(i.as_str(), Some("*" | "all" | "%"))),
                        _ => false,
                    })
        }),
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "all" | "*" | ""),
        _ => false,
    }
}

/// A search query that only keeps documents below an upper bound of a range (`{"query": {"range":
/// {"@timestamp": {"lt": "now-90d"}}}}`, or such ranges as a `bool` query's `filter`/`must`).
fn older_than(body: &Value) -> bool {
    let upper_bounded = |clause: &Value| {
        clause.get("range").and_then(Value::as_object).is_some_and(|fields| {
            fields.len() == 1
                && fields.values().all(|b| b.as_object().is_some_and(|b| b.contains_key("lt") || b.contains_key("lte")))
        })
    };
    let Some(query) = body.get("query") else { return false };
    if upper_bounded(query) {
        return true;
    }
    let Some(Value::Object(b)) = query.get("bool") else { return false };
    let mut clauses = Vec::new();
    for (k, v) in b {
        match (k.as_str(), v) {
            ("filter" | "must", Value::Array(items)) => clauses.extend(items),
            ("filter" | "must", clause) => clauses.push(clause),
            // `must_not`, `should`: not a plain window.
            _ => return false,
        }
    }
    !clauses.is_empty() && clauses.iter().all(|c| upper_bounded(c))
}

fn has_query(v: &Value) -> bool {
    v.get("query").is_some_and(|q| !q.as_object().is_some_and(|o| o.is_empty() || o.contains_key("match_all")))
}

/// A body that lists a few ids explicitly: `{"ids": [1, 2, 3]}`.
fn names_few_ids(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.iter().any(|(k, v)| k.to_ascii_lowercase().ends_with("ids") && v.as_array().is_some_and(|a| a.len() <= 100))
    })
}

/// Role assignments that hand out owner or admin rights.
fn roles(segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    // `role` anywhere in a segment covers `roles`, `rolebindings`, `assumeRole`'s lowercase.
    let names_role = |s: &str| s.as_bytes().windows(4).any(|w| w == b"role");
    if !segs.iter().any(|s| is_role_word(s) || names_role(s) || s.contains("setiampolicy")) {
        return;
    }
    // `POST …/users/{id}/roles {"type": "SUPER_ADMIN"}` (Okta): the role is the type.
    let typed = body.and_then(|b| b.get("type")).and_then(Value::as_str).filter(|t| {
        let t = t.to_ascii_lowercase();
        PRIVILEGED_ROLES.contains(&t.as_str()) || t.ends_with("_admin") || t.ends_with("administrator")
    });
    let granted = typed.map(str::to_owned).or_else(|| body.and_then(privileged_role)).or_else(|| {
        segs.iter()
            .rev()
            .take(2)
            .find(|s| matches!(**s, "admins" | "owners" | "administrators"))
            .map(|s| (*s).to_owned())
    });
    if let Some(role) = granted {
        emit(
            Intent::PrivilegeEscalate,
            Severity::High,
            PRIVILEGE.id,
            target("role", &role),
            format!("hands out the `{role}` role through `/{}`", segs.join("/")),
        );
    }
}

/// Keys under which a grant names the role or level it hands out (`role`, `permission`,
/// `access_level`, `PolicyArn`, `groups`), spelled in any case with or without `_` and `-`.
pub(crate) fn is_role_key(key: &str) -> bool {
    let k: String = key.chars().filter(|c| !matches!(c, '_' | '-')).collect::<String>().to_ascii_lowercase();
    matches!(
        k.as_str(),
        "role"
            | "roles"
            | "rolename"
            | "permission"
            | "permissions"
            | "permissionlevel"
            | "accesslevel"
            | "access"
            | "accessrole"
            | "level"
            | "policy"
            | "policyarn"
            | "policyname"
            | "group"
            | "groups"
            | "privilege"
            | "privileges"
            | "clusterrole"
            | "memberrole"
            | "membershiprole"
    )
}

/// The first privileged role named under a role-ish key of `v` (a body, a tool's arguments).
pub(crate) fn privileged_role(v: &Value) -> Option<String> {
    match v {
        Value::Object(m) => m.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            // Kubernetes bindings name their role in `roleRef.name`.
            if k == "roleref" {
                if let Some(name) = v.get("name").and_then(Value::as_str) {
                    if PRIVILEGED_ROLES.contains(&name.to_ascii_lowercase().as_str()) {
                        return Some(name.to_owned());
                    }
                }
            }
            let roleish = is_role_key(&k);
            match v {
                Value::String(s) if roleish && PRIVILEGED_ROLES.contains(&s.to_ascii_lowercase().as_str()) => {
                    Some(s.clone())
                }
                Value::Number(n) if roleish && k.contains("level") && n.as_u64().is_some_and(|l| l >= 50) => {
                    Some(format!("access level {n}"))
                }
                Value::Bool(true) if matches!(k.as_str(), "admin" | "is_admin" | "superuser" | "site_admin") => Some(k),
                // `roles: ["viewer", "owner"]`
                Value::Array(items) if roleish => items
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|s| PRIVILEGED_ROLES.contains(&s.to_ascii_lowercase().as_str()))
                    .map(str::to_owned)
                    .or_else(|| privileged_role(v)),
                other => privileged_role(other),
            }
        }),
        Value::Array(a) => a.iter().find_map(privileged_role),
        _ => None,
    }
}

/// GraphQL mutations named for mass deletion (`deleteAllOrders`, `purgeCustomers`,
/// `deleteManyUsers`) or for deleting a container (`deleteRepository`, `deleteProject`).
fn graphql_mutation(body: Option<&Value>, emit: &mut Emit<'_>) {
    let Some(query) = body.and_then(|b| b.get("query")).and_then(Value::as_str) else { return };
    let trimmed = query.trim_start();
    let mutation = trimmed.starts_with("mutation") || (trimmed.starts_with('{') && query.contains("mutation"));
    if !mutation {
        return;
    }
    for word in query.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let lower = word.to_ascii_lowercase();
        let Some(rest) = ["delete", "destroy", "remove", "drop", "purge", "wipe", "truncate"]
            .iter()
            .find_map(|v| lower.strip_prefix(v))
        else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        // Hasura-style `delete_tickets(where: {})`: an empty condition matches every row.
        let after = query.find(word).map_or("", |at| &query[at + word.len()..]);
        let compact: String = after.chars().take(64).filter(|c| !c.is_whitespace()).collect();
        if compact.starts_with("(where:{})") {
            emit(
                Intent::DataBulkDelete,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", word),
                format!("the GraphQL mutation `{word}` with an empty `where` deletes every row"),
            );
            return;
        }
        if rest.starts_with("all")
            || rest.starts_with("many")
            || rest.starts_with("bulk")
            || lower.starts_with("purge")
            || lower.starts_with("truncate")
            || lower.starts_with("wipe")
        {
            emit(
                Intent::DataBulkDelete,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", word),
                format!("the GraphQL mutation `{word}` deletes in bulk"),
            );
            return;
        }
        let containers = [
            "repository",
            "repo",
            "project",
            "organization",
            "org",
            "workspace",
            "team",
            "database",
            "cluster",
            "environment",
            "account",
        ];
        if containers.iter().any(|c| rest.trim_start_matches('_') == *c) {
            emit(
                Intent::InfraDestroy,
                Severity::High,
                DESTRUCTIVE.id,
                target("location", word),
                format!(
                    "the GraphQL mutation `{word}` deletes a {} and everything in it",
                    rest.trim_start_matches('_')
                ),
            );
            return;
        }
    }
}

/// Containers and pods that escape to their host: Docker `POST /containers/create` and
/// Kubernetes pod specs that are privileged, share the host's namespaces or mount its root.
fn privileged_container(segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    let Some(body) = body else { return };
    let creates = segs.windows(2).any(|w| w == ["containers", "create"])
        || segs.last().is_some_and(|s| matches!(*s, "pods" | "deployments" | "daemonsets" | "statefulsets" | "jobs"));
    if !creates {
        return;
    }
    let mut why = None;
    walk_objects(body, &mut |key, value| {
        let k = key.to_ascii_lowercase();
        let on = value.as_bool() == Some(true);
        let text = value.as_str().unwrap_or("");
        let reason = match k.as_str() {
            "privileged" if on => Some("runs a privileged container"),
            "hostpid" | "hostnetwork" | "hostipc" if on => Some("shares the host's namespaces"),
            "pidmode" | "ipcmode" | "networkmode" | "usernsmode" if text == "host" => {
                Some("shares the host's namespaces")
            }
            "binds" => value.as_array().and_then(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .any(|b| b.starts_with("/:") || b.starts_with("/var/run/docker.sock"))
                    .then_some("mounts the host's root or Docker socket")
            }),
            "hostpath" => value
                .get("path")
                .and_then(Value::as_str)
                .filter(|p| matches!(*p, "/" | "/etc" | "/root" | "/var/run/docker.sock"))
                .map(|_| "mounts the host's root or Docker socket"),
            "capadd" | "add" => value.as_array().and_then(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .any(|c| matches!(c.trim_start_matches("CAP_"), "SYS_ADMIN" | "ALL" | "SYS_PTRACE" | "SYS_MODULE"))
                    .then_some("adds capabilities that reach the host")
            }),
            _ => None,
        };
        if why.is_none() {
            why = reason;
        }
    });
    if let Some(why) = why {
        emit(
            Intent::PrivilegeEscalate,
            Severity::High,
            PRIVILEGE.id,
            target("location", format!("/{}", segs.join("/"))),
            format!("{why}: code in it controls the host"),
        );
    }
}

/// Calls `f` with every key and value of every object in `v`.
/// A Kubernetes workload (or its `/scale` subresource) written with `replicas: 0` (a merge patch,
/// a full object or a JSON patch of `/spec/replicas`): every pod stops.
fn scale_to_zero(segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    let Some(body) = body else { return };
    let workload = segs
        .iter()
        .any(|s| matches!(*s, "deployments" | "statefulsets" | "replicasets" | "replicationcontrollers" | "scale"))
        && segs.contains(&"namespaces");
    if !workload {
        return;
    }
    let zero = |v: Option<&Value>| v.and_then(Value::as_u64) == Some(0);
    let patched_to_zero = body.as_array().is_some_and(|ops| {
        ops.iter().any(|op| op.get("path").and_then(Value::as_str) == Some("/spec/replicas") && zero(op.get("value")))
    });
    if zero(body.get("spec").and_then(|s| s.get("replicas"))) || patched_to_zero {
        let name = segs.iter().rev().find(|s| **s != "scale").copied().unwrap_or("");
        emit(
            Intent::SystemDisrupt,
            Severity::High,
            DESTRUCTIVE.id,
            target("workload", name),
            format!("scales `{name}` to zero replicas: every pod stops"),
        );
    }
}

fn walk_objects(v: &Value, f: &mut impl FnMut(&str, &Value)) {
    match v {
        Value::Object(m) => {
            for (k, item) in m {
                f(k, item);
                walk_objects(item, f);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk_objects(i, f)),
        _ => {}
    }
}

/// `PATCH /repos/o/r/git/refs/heads/main {"force": true}` rewrites a branch.
fn branch_rewrite(url: &Url, segs: &[&str], body: Option<&Value>, emit: &mut Emit<'_>) {
    if segs.windows(3).any(|w| w == ["git", "refs", "heads"])
        && url.host.contains("github")
        && body.and_then(|b| b.get("force")).and_then(Value::as_bool) == Some(true)
    {
        let branch = segs.last().copied().unwrap_or("");
        emit(
            Intent::VcsHistoryRewrite,
            Severity::High,
            DESTRUCTIVE.id,
            target("location", branch),
            format!("force-updates the branch `{branch}`, rewriting its history"),
        );
    }
}

/// Secret stores: Consul KV dumps, Vault reads, Kubernetes secrets, cloud secret managers.
fn secret_stores(method: &str, url: &Url, segs: &[&str], request: &Request<'_>, emit: &mut Emit<'_>) {
    if !matches!(method, "GET" | "HEAD" | "LIST" | "POST") {
        return;
    }
    let read = method != "POST";
    // The cheap tests first: most requests are out before a host is searched.
    let what = if read && segs.starts_with(&["v1", "kv"]) && (url.param("recurse").is_some() || segs.len() == 2) {
        Some("dumps the Consul key-value store, where configuration secrets live")
    } else if read
        && segs.first() == Some(&"v1")
        && !segs.get(1).is_some_and(|s| matches!(*s, "sys"))
        && (url.port == Some(8200) || url.host.contains("vault"))
    {
        Some("reads from Vault, the secret store")
    } else if read && kubernetes_resource(segs).is_some_and(|k| k.resource == "secrets") {
        Some("reads Kubernetes secrets")
    } else if request
        .headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("x-amz-target") && v.ends_with(".GetSecretValue"))
        || url.param("Action") == Some("GetSecretValue")
    {
        Some("reads a secret from AWS Secrets Manager")
    } else if read
        && segs.iter().any(|s| matches!(*s, "secrets" | "credentials" | "passwords"))
        // A code host's CI secrets API lists names and dates; it never returns a value.
        && !(code_host_repository(url, segs).is_some() || segs.first() == Some(&"orgs"))
    {
        Some("reads stored secrets")
    } else {
        None
    };
    if let Some(what) = what {
        let path = format!("/{}", url.segments.join("/"));
        emit(
            Intent::CredentialRead,
            Severity::High,
            SECRET_STORE.id,
            target("location", &path),
            format!("{what} (`{path}`)"),
        );
    }
}

/// The AWS query-API action of a request (`Action=TerminateInstances`), or its JSON-API target
/// (`X-Amz-Target: DynamoDB_20120810.DeleteTable`).
fn aws_action(url: &Url, request: &Request<'_>, body: Option<&Value>) -> Option<String> {
    if !super::super::destination::host_within(&url.host, "amazonaws.com") {
        return None;
    }
    if let Some(a) = url.param("Action") {
        return Some(a.to_owned());
    }
    if let Some(a) = body.and_then(|b| b.get("Action")).and_then(Value::as_str) {
        return Some(a.to_owned());
    }
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("x-amz-target"))
        .and_then(|(_, v)| v.rsplit('.').next())
        .map(str::to_owned)
}

fn aws(action: &str, url: &Url, body: Option<&Value>, emit: &mut Emit<'_>) {
    let starts = |p: &str| action.starts_with(p);
    if [
        "AttachUserPolicy",
        "AttachRolePolicy",
        "AttachGroupPolicy",
        "PutUserPolicy",
        "PutRolePolicy",
        "AddUserToGroup",
        "CreateAccessKey",
        "CreateLoginProfile",
        "UpdateAssumeRolePolicy",
    ]
    .contains(&action)
    {
        let admin = body.is_some_and(|b| {
            let text = b.to_string().to_ascii_lowercase();
            text.contains("administratoraccess")
                || text.contains("\"*\"")
                || text.contains("%22*%22")
                || text.contains("admin")
        }) || url.query.iter().any(|(k, v)| grants_everything(k, v));
        let (intent, severity) = if admin || action == "CreateAccessKey" {
            (Intent::PrivilegeEscalate, Severity::High)
        } else {
            (Intent::PrivilegeGrant, Severity::Medium)
        };
        emit(intent, severity, PRIVILEGE.id, target("role", action), format!("calls the AWS IAM action `{action}`"));
        return;
    }
    if action.ends_with("Table") && starts("Delete") {
        emit(
            Intent::SchemaDrop,
            Severity::High,
            DESTRUCTIVE.id,
            target("table", action),
            format!("calls the AWS action `{action}`, which drops a table"),
        );
    } else if ["Terminate", "Delete", "Remove", "Deregister", "Purge", "Destroy"].iter().any(|p| starts(p)) {
        emit(
            Intent::InfraDestroy,
            Severity::High,
            DESTRUCTIVE.id,
            target("location", action),
            format!("calls the AWS action `{action}`, which destroys resources"),
        );
    } else if ["Stop", "Reboot", "Disable"].iter().any(|p| starts(p)) {
        emit(
            Intent::SystemDisrupt,
            Severity::Medium,
            DESTRUCTIVE.id,
            target("location", action),
            format!("calls the AWS action `{action}`"),
        );
    }
}

/// A query-API parameter that grants everything: `PolicyArn=…/AdministratorAccess`,
/// `GroupName=Admins`, a `PolicyDocument` allowing `"*"`.
fn grants_everything(key: &str, value: &str) -> bool {
    let (k, v) = (key.to_ascii_lowercase(), value.to_ascii_lowercase());
    (k.contains("policy") || k.contains("group"))
        && (v.contains("administratoraccess")
            || v.contains("admin")
            || v.contains("\"*\"")
            || v.contains("iamfullaccess"))
}

/// The command line a Kubernetes `exec`/`attach` or Docker exec request runs, shell-quoted.
/// Script consoles run the code posted to them (Jenkins `/script`, `/scriptText`, also under
/// `/computer/<agent>/`): the code, as Groovy run on the server, for the caller to analyse as
/// `groovy -e`.
pub(crate) fn script_console(url: &Url, body: Option<&Value>) -> Option<String> {
    let last = url.segments.last()?;
    if !matches!(last.as_ref(), "script" | "scriptText") {
        return None;
    }
    let code = body?.get("script")?.as_str()?;
    Some(format!("groovy -e {}", shell_quote(code)))
}

/// Command lines a request hands a control plane to run (a Rundeck `exec`, a Consul check's
/// `Args`, an SSM document's `commands`): string fields named for commands whose value reads as
/// a command line, and argument vectors, each as one command line. At most 8.
pub(crate) fn body_commands(body: Option<&Value>) -> Vec<String> {
    fn walk(v: &Value, depth: usize, out: &mut Vec<String>) {
        let Some(m) = v.as_object().filter(|_| depth < 6 && out.len() < 8) else {
            // Long lists are data (events, rows), not a control plane's settings: not walked.
            if let Some(items) = v.as_array().filter(|a| depth < 6 && a.len() <= 8) {
                for item in items {
                    walk(item, depth + 1, out);
                }
            }
            return;
        };
        const COMMAND_KEYS: &[&str] =
            &["exec", "command", "commands", "cmd", "script", "shell", "args", "argv", "run", "commandline", "inline"];
        for (k, v) in m {
            // Compared in place: bodies have many keys, and this runs on every write.
            let commandish = k.len() <= 11 && COMMAND_KEYS.iter().any(|c| k.eq_ignore_ascii_case(c));
            if !(commandish || v.is_object() || v.is_array()) {
                continue;
            }
            match v {
                Value::String(text) if commandish && crate::analyze::tool::conventions::starts_with_program(text) => {
                    out.push(text.clone())
                }
                Value::Array(items) if commandish && items.iter().all(Value::is_string) && !items.is_empty() => {
                    let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    let program = crate::analyze::shell::program_name(words[0]);
                    if crate::analyze::tool::conventions::is_program(program) && !words[0].contains(' ') {
                        out.push(words.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" "));
                    } else {
                        out.extend(
                            words
                                .iter()
                                .filter(|w| crate::analyze::tool::conventions::starts_with_program(w))
                                .map(|w| (*w).to_owned()),
                        );
                    }
                }
                other => walk(other, depth + 1, out),
            }
        }
    }
    let mut out = Vec::new();
    if let Some(b) = body {
        walk(b, 0, &mut out);
    }
    out.truncate(8);
    out
}

pub(crate) fn exec_command(url: &Url, body: Option<&Value>) -> Option<String> {
    let last = url.segments.last().map(AsRef::as_ref);
    let has = |name: &str| url.segments.iter().any(|s| s == name);
    let argv: Vec<String> = if matches!(last, Some("exec" | "attach")) && has("pods") {
        url.query.iter().filter(|(k, _)| k == "command").map(|(_, v)| v.clone()).collect()
    } else if last == Some("exec") && has("containers") {
        body.and_then(|b| b.get("Cmd"))
            .and_then(Value::as_array)?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    } else {
        return None;
    };
    if argv.is_empty() {
        return None;
    }
    Some(argv.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_versions_and_collections() {
        assert!(is_id("4471") && is_id("fl_2201") && is_id("V-118") && is_id("b_99812"));
        assert!(!is_id("vehicles") && !is_id("hold"));
        assert!(is_version("v1") && is_version("v2beta1") && is_version("2010-04-01") && !is_version("vehicles"));
        assert!(is_collection("vehicles") && is_collection("members"));
        assert!(!is_collection("hold") && !is_collection("status") && !is_collection("access"));
    }

    fn findings(method: &str, url: &str, body: Option<Value>) -> Vec<(Intent, String)> {
        let request =
            Request { method, url, headers: Vec::new(), body: body.as_ref(), at: super::super::Paths::wire() };
        let parsed = Url::parse(url);
        let mut out = Vec::new();
        check(method, &parsed, &request, body.as_ref(), &[], &mut |intent, _, _, _, message| {
            out.push((intent, message))
        });
        out
    }

    fn intents(method: &str, url: &str, body: Option<Value>) -> Vec<Intent> {
        findings(method, url, body).into_iter().map(|(i, _)| i).collect()
    }

    #[test]
    fn names_after_a_kind_that_owns_others_are_resources() {
        assert_eq!(intents("DELETE", "https://x.example/v1/buckets/invoices-archive", None), [Intent::InfraDestroy]);
        assert_eq!(intents("DELETE", "https://x.example/v1/databases/orders", None), [Intent::InfraDestroy]);
        assert_eq!(intents("DELETE", "https://x.example/v1/folders/q3-reports", None), [Intent::DataBulkDelete]);
        assert_eq!(intents("DELETE", "https://x.example/v1/orders", None), [Intent::DataBulkDelete]);
        assert!(intents("DELETE", "https://x.example/v1/bookings/b_1/hold", None).is_empty());
        assert_eq!(singular("directories"), "directory");
        assert_eq!(singular("indices"), "index");
        assert_eq!(singular("addresses"), "address");
    }

    #[test]
    fn collection_deletes_that_name_their_members_are_scoped() {
        use serde_json::json;
        assert!(intents("DELETE", "https://x.example/v1/tags?ids=1,2", None).is_empty());
        assert!(intents("DELETE", "https://x.example/v1/tags?tag_id=t_1", None).is_empty());
        assert!(intents("DELETE", "https://x.example/v1/tags", Some(json!({"tagIds": ["t_1"]}))).is_empty());
        assert!(!intents("DELETE", "https://x.example/v1/tags", Some(json!({"ids": []}))).is_empty());
        assert!(!intents("DELETE", "https://x.example/v1/tags?ids=all", None).is_empty());
        assert!(!intents("DELETE", "https://x.example/v1/tags?owner_id=u_1", None).is_empty());
    }

    #[test]
    fn code_hosts_and_object_stores() {
        assert_eq!(intents("DELETE", "https://gitlab.example/api/v4/projects/12", None), [Intent::InfraDestroy]);
        assert!(intents("DELETE", "https://gitlab.example/api/v4/projects/12/pipelines/9", None).is_empty());
        assert_eq!(
            intents("DELETE", "https://gitlab.example/api/v4/projects/12/repository/branches/feature%2Fx", None),
            [Intent::VcsHistoryRewrite]
        );
        assert_eq!(intents("DELETE", "https://ghe.example/api/v3/repos/o/r", None), [Intent::InfraDestroy]);
        assert_eq!(intents("DELETE", "https://b.s3.amazonaws.com/", None), [Intent::InfraDestroy]);
        assert_eq!(intents("DELETE", "https://s3.eu-west-1.amazonaws.com/b", None), [Intent::InfraDestroy]);
        assert!(intents("DELETE", "https://s3.eu-west-1.amazonaws.com/b/k.csv", None).is_empty());
        assert!(intents("DELETE", "https://b.s3.amazonaws.com/?policy", None).is_empty());
        assert!(intents("DELETE", "https://storage.googleapis.com/storage/v1/b/b/o/k.csv", None).is_empty());
    }

    #[test]
    fn role_keys() {
        assert!(is_role_key("access_level") && is_role_key("PolicyArn") && is_role_key("permission"));
        assert!(!is_role_key("owner") && !is_role_key("username"));
        use serde_json::json;
        assert_eq!(privileged_role(&json!({"roles": ["viewer", "Owner"]})).as_deref(), Some("Owner"));
        assert_eq!(privileged_role(&json!({"owner": "admin", "permission": "triage"})), None);
    }

    #[test]
    fn kubernetes_paths() {
        let k = kubernetes_resource(&["apis", "apps", "v1", "namespaces", "prod", "statefulsets", "postgres"]).unwrap();
        assert_eq!((k.resource, k.name), ("statefulsets", Some("postgres")));
        let k = kubernetes_resource(&["api", "v1", "namespaces", "prod"]).unwrap();
        assert_eq!((k.resource, k.name), ("namespaces", Some("prod")));
        assert!(kubernetes_resource(&["v1", "members"]).is_none());
    }

    #[test]
    fn exec_commands_are_quoted() {
        let url =
            Url::parse("https://k:6443/api/v1/namespaces/p/pods/t-0/exec?command=sh&command=-c&command=curl%20x%7Csh");
        assert_eq!(exec_command(&url, None).as_deref(), Some("sh -c 'curl x|sh'"));
    }
}
