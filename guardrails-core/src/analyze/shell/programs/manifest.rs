//! Kubernetes manifests applied from standard input (`kubectl apply -f - <<EOF`) or by a
//! Kubernetes tool: the objects that hand out root on a node or the whole cluster. A pod that is
//! privileged, shares the host's process, network or IPC namespace, adds `SYS_ADMIN`, or mounts
//! the host's root, `/etc`, the container runtime's socket or the kubelet's files can take over
//! the node; a binding to `cluster-admin` takes over the cluster.

use serde::Deserialize;
use serde_yaml_ng::Value;

/// Manifests larger than this are not parsed (what they grant is then unknown, not granted).
const MAX_MANIFEST_BYTES: usize = 256 * 1024;

/// Why each object in the manifests grants root, one sentence each. `None` when the text is not
/// YAML at all (a script, a typo): the caller decides.
pub(crate) fn grants(text: &str) -> Option<Vec<String>> {
    if text.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    let mut found = Vec::new();
    let mut parsed = false;
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        let Ok(value) = Value::deserialize(doc) else { return parsed.then_some(found) };
        parsed = true;
        inspect(&value, 0, &mut found);
    }
    parsed.then_some(found)
}

/// Paths on the host whose mount into a pod gives root on the node.
fn host_path_grants_root(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    p.is_empty()
        || ["/etc", "/root", "/boot", "/proc", "/sys", "/var/lib/kubelet", "/var/run", "/run", "/usr", "/bin", "/lib"]
            .iter()
            .any(|d| p == *d || p.starts_with(&format!("{d}/")))
        || p.ends_with(".sock")
        || p == "/var"
        || p == "/home"
}

fn inspect(v: &Value, depth: usize, found: &mut Vec<String>) {
    if depth > 32 {
        return;
    }
    match v {
        Value::Mapping(m) => {
            let get = |k: &str| m.get(Value::String(k.to_owned()));
            let yes = |k: &str| get(k).and_then(Value::as_bool) == Some(true);
            for key in ["hostPID", "hostNetwork", "hostIPC"] {
                if yes(key) {
                    found.push(format!("`{key}: true` shares the node's namespace with the pod"));
                }
            }
            if yes("privileged") {
                found.push("a privileged container has root on the node".to_owned());
            }
            if let Some(path) = get("hostPath").and_then(|h| h.get("path")).and_then(Value::as_str) {
                if host_path_grants_root(path) {
                    found.push(format!("mounts the node's `{path}` into the pod"));
                }
            }
            if let Some(add) = get("capabilities").and_then(|c| c.get("add")).and_then(Value::as_sequence) {
                if add
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|c| matches!(c, "SYS_ADMIN" | "ALL" | "SYS_PTRACE" | "SYS_MODULE"))
                {
                    found.push("adds a capability that escapes the container".to_owned());
                }
            }
            let kind = get("kind").and_then(Value::as_str).unwrap_or("");
            if kind.ends_with("RoleBinding") {
                if let Some(role) = get("roleRef").and_then(|r| r.get("name")).and_then(Value::as_str) {
                    if matches!(role, "cluster-admin" | "admin" | "system:masters") {
                        found.push(format!("a {kind} grants `{role}`"));
                    }
                }
            }
            for (_, child) in m {
                inspect(child, depth + 1, found);
            }
        }
        Value::Sequence(items) => {
            for item in items {
                inspect(item, depth + 1, found);
            }
        }
        Value::Tagged(t) => inspect(&t.value, depth + 1, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::grants;

    #[test]
    fn pods_that_own_the_node() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  hostPID: true\n  containers:\n  - name: sh\n    image: alpine\n    securityContext: {privileged: true}\n    volumeMounts: [{name: root, mountPath: /host}]\n  volumes:\n  - name: root\n    hostPath: {path: /}\n";
        let found = grants(pod).unwrap_or_default();
        assert_eq!(found.len(), 3, "{found:?}");
        let binding = "kind: ClusterRoleBinding\nroleRef: {kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: ServiceAccount, name: ci, namespace: default}]\n---\nkind: ConfigMap\ndata: {privileged: 'true'}\n";
        assert_eq!(grants(binding).unwrap_or_default().len(), 1);
    }

    #[test]
    fn ordinary_workloads_pass() {
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        securityContext: {privileged: false, runAsNonRoot: true}\n      volumes:\n      - name: cache\n        hostPath: {path: /mnt/cache}\n";
        assert_eq!(grants(deploy), Some(vec![]));
        assert_eq!(grants("not: [valid"), None);
    }
}
