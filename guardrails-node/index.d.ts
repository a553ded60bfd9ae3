// Types of the public API (index.js). The native binding's own types are generated into
// binding.d.ts by `napi build`; this file describes the facade over it.

/** SQL dialects; an unknown name is rejected with INVALID_ACTION. */
export type Dialect =
  | 'generic' | 'postgres' | 'mysql' | 'sqlite' | 'mssql' | 'snowflake' | 'bigquery'
  | 'redshift' | 'hive' | 'duckdb' | 'clickhouse' | 'oracle'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** An action in the wire format: a discriminated union on `kind`. */
export type Action =
  | { kind: 'sql'; dialect?: Dialect; text: string }
  | { kind: 'shell'; command: string }
  | { kind: 'http'; method: string; url: string; headers?: Record<string, string>; body?: JsonValue }
  | { kind: 'tool_call'; tool: string; args?: JsonValue }
  | { kind: 'file'; op: 'read' | 'write' | 'append' | 'delete' | 'move'; path: string; content?: string; destination?: string; recursive?: boolean }

export type ActorKind = 'human' | 'agent' | 'service' | 'ci'

/** Who acts, where, with whose approval. Every field is optional. */
export interface Context {
  environment?: string
  actor?: { id?: string; kind?: ActorKind }
  /** Only when a human approved: satisfies require_approval, never deny. */
  approval?: { by: string; ticket?: string }
  roles?: string[]
  labels?: Record<string, string>
  session_id?: string
  trace_id?: string
  timestamp?: string
}

export type Decision = 'allow' | 'deny' | 'require_approval'
export type Severity = 'low' | 'medium' | 'high' | 'critical'

/** What a finding matched: the intents the engine detects (see the policy reference). */
export type Intent =
  | 'schema.drop' | 'schema.truncate' | 'schema.alter_destructive' | 'data.bulk_delete'
  | 'data.bulk_update' | 'data.overwrite' | 'data.export' | 'data.sensitive_read'
  | 'privilege.grant' | 'privilege.escalate' | 'credential.read' | 'exec.remote_code'
  | 'exec.dynamic' | 'fs.delete_recursive' | 'fs.device_write' | 'fs.permissions'
  | 'vcs.history_rewrite' | 'vcs.discard_changes' | 'infra.destroy' | 'system.disrupt'
  | 'persistence' | 'egress.secret' | 'egress.pii' | 'egress.file_upload' | 'egress.untrusted_host'
  | 'tool.call' | 'unanalyzable'

export interface Finding {
  rule: string
  intent: Intent
  severity: Severity
  message: string
  /** UTF-8 byte offsets `[start, end]` into the analysed text (or into the field `path` names). */
  span: [number, number]
  path?: string
  evidence: string
}

/** The plain data of a verdict: what `JSON.stringify(verdict)` writes. */
export interface VerdictData {
  decision: Decision
  reason: string
  findings: Finding[]
  policy: string
}

/** An activity record: the action (secrets redacted), the context, what was decided and why. */
export interface AuditRecord {
  decision: Decision
  reason: string
  rules: string[]
  intents: Intent[]
  policy: string
  approved_by: string | null
  action: Action
  context: Context
}

export declare class Verdict implements VerdictData {
  private constructor()
  readonly decision: Decision
  readonly reason: string
  readonly findings: Finding[]
  readonly policy: string
  readonly allowed: boolean
  readonly denied: boolean
  readonly needsApproval: boolean
  audit(): AuditRecord
  toJSON(): VerdictData
}

export type ErrorCode = 'POLICY' | 'INVALID_ACTION' | 'DENIED' | 'APPROVAL_REQUIRED'

export declare class GuardrailsError extends Error {
  constructor(code: ErrorCode, message: string, details?: { line?: number; column?: number; field?: string; rule?: string; verdict?: Verdict; cause?: unknown })
  readonly code: ErrorCode
  /** POLICY: 1-based line and column of the policy text, the offending field and rule, when known. */
  readonly line?: number
  readonly column?: number
  readonly field?: string
  readonly rule?: string
  /** DENIED and APPROVAL_REQUIRED: the verdict. */
  readonly verdict?: Verdict
}

export type AuditSink = (record: AuditRecord) => void

export interface GuardOptions {
  /** Receives the audit record of every decision, made by the same native call as the verdict. */
  audit?: AuditSink
}

/**
 * A compiled policy. Immutable: share one across async tasks; share it with worker threads
 * through `share()` and `Guard.fromShared(key)` (the same compiled policy, not a copy).
 */
export declare class Guard {
  private constructor()
  static recommended(options?: GuardOptions): Guard
  static fromYaml(text: string, options?: GuardOptions): Guard
  static fromJson(policy: string | object, options?: GuardOptions): Guard
  /** `.json` files are JSON, anything else YAML. */
  static fromFile(path: string, options?: GuardOptions): Guard
  /** Shares the compiled policy with this process's worker threads; returns the key for fromShared. */
  share(): string
  /** The guard shared under `key` by any thread of this process; POLICY error when there is none. */
  static fromShared(key: string, options?: GuardOptions): Guard
  readonly name: string
  readonly digest: string
  evaluate(action: Action, context?: Context | null): Verdict
  /** On the libuv thread pool. */
  evaluateAsync(action: Action, context?: Context | null, options?: { signal?: AbortSignal | null } | null): Promise<Verdict>
  /** Returns the verdict when allowed; throws DENIED or APPROVAL_REQUIRED otherwise. */
  enforce(action: Action, context?: Context | null): Verdict
  enforceAsync(action: Action, context?: Context | null, options?: { signal?: AbortSignal | null } | null): Promise<Verdict>
}

/** An audit sink appending one JSON line per decision to `path`. */
export declare function jsonLinesSink(path: string): AuditSink

/** The built-in recommended policy's YAML text. */
export declare const RECOMMENDED_POLICY: string

declare const api: {
  Guard: typeof Guard
  Verdict: typeof Verdict
  GuardrailsError: typeof GuardrailsError
  jsonLinesSink: typeof jsonLinesSink
  RECOMMENDED_POLICY: string
}
export default api

/** Options every framework adapter takes. */
export interface AdapterOptions<Host = unknown> {
  /** The guard; default Guard.recommended(). */
  guard?: Guard
  /** The context, or a function of the framework's call data returning it. Default: an agent. */
  context?: Context | ((host: Host) => Context | Promise<Context>)
  /** When the guard cannot evaluate a call: 'deny' (default, fail closed) or 'allow'. */
  onError?: 'deny' | 'allow'
  /** What to do with require_approval: ask a person through the host ('interrupt'), or refuse ('deny'). */
  onApproval?: 'interrupt' | 'deny'
}
