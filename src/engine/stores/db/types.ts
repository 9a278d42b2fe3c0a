/**
 * The identity database contract: API keys, users, teams, usage and audit. SQLite
 * (better-sqlite3, one host) and PostgreSQL (a fleet) implement it with the same
 * queries. Rows never hold a key secret: only its sha256 hash and a short visible prefix.
 */

export interface KeyPermissions {
  models?: string[];
  endpoints?: string[];
  providers?: string[];
}

/** Per-key rate limits (applied by the rate-limit plugin on top of its config). */
export interface KeyLimits {
  rps?: number;
  rpm?: number;
  rph?: number;
  tpm?: number;
  concurrency?: number;
}

export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'total';

/** A spend limit in USD over a period; `soft` is the alert threshold as a fraction (0.8). */
export interface BudgetSpec {
  limit: number;
  period?: BudgetPeriod;
  soft?: number;
}

export interface ApiKeyRecord {
  id: string;
  /** Visible start of the secret, e.g. `gw-ab12cd…`: safe to log and show. */
  prefix: string;
  name: string | null;
  user_id: string | null;
  team_id: string | null;
  permissions: KeyPermissions;
  limits: KeyLimits;
  budget: BudgetSpec | null;
  metadata: Record<string, unknown>;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  rotated_from: string | null;
  /** Set on a rotated-away key: it stays valid until then. */
  grace_until: string | null;
}

/** What the auth lookup returns: the key, plus its user's and team's budgets. */
export interface KeyLookup extends ApiKeyRecord {
  user_budget: BudgetSpec | null;
  team_budget: BudgetSpec | null;
}

export interface NewKey {
  name?: string;
  user_id?: string;
  team_id?: string;
  permissions?: KeyPermissions;
  limits?: KeyLimits;
  budget?: BudgetSpec | null;
  metadata?: Record<string, unknown>;
  expires_at?: string | null;
}

export type KeyPatch = Partial<NewKey>;

export interface UserRecord {
  id: string;
  email: string | null;
  name: string | null;
  team_id: string | null;
  budget: BudgetSpec | null;
  metadata: Record<string, unknown>;
  created_at: string;
}
export type NewUser = Partial<Omit<UserRecord, 'created_at'>>;

export interface TeamRecord {
  id: string;
  name: string;
  budget: BudgetSpec | null;
  metadata: Record<string, unknown>;
  created_at: string;
}
export type NewTeam = Partial<Omit<TeamRecord, 'created_at'>> & { name: string };

export interface UsageRow {
  ts: string;
  request_id: string;
  key_id: string | null;
  user_id: string | null;
  team_id: string | null;
  model: string | null;
  provider: string | null;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost: number;
  latency_ms: number;
  status: number;
}

export type UsageGroup = 'key' | 'user' | 'team' | 'model' | 'day';

export interface UsageQuery {
  group_by: UsageGroup;
  from?: string;
  to?: string;
  key_id?: string;
  user_id?: string;
  team_id?: string;
  model?: string;
}

export interface UsageTotals {
  group: string | null;
  requests: number;
  tokens_in: number;
  tokens_out: number;
  tokens_cached: number;
  cost: number;
}

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  /** Free details; callers must never put a secret here. */
  details?: Record<string, unknown>;
}

export interface AuditRow extends Required<AuditEntry> {
  id: number;
  ts: string;
}

export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  limit?: number;
  /** Opaque: the `next_cursor` of the previous page. */
  cursor?: string;
}

export interface ListQuery {
  limit?: number;
  cursor?: string;
  user_id?: string;
  team_id?: string;
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** What `/readyz` shows of the database. `reason` never holds a URL, a password or a row. */
export interface DbHealth {
  status: 'ok' | 'degraded';
  reason?: string;
  /** Rows waiting in memory for the database. */
  buffered: { usage: number; audit: number };
}

export interface GatewayDb {
  readonly kind: 'sqlite' | 'postgres';

  createKey(input: NewKey): Promise<{ record: ApiKeyRecord; secret: string }>;
  getKey(id: string): Promise<ApiKeyRecord | undefined>;
  findKeyByHash(hash: string): Promise<KeyLookup | undefined>;
  listKeys(q?: ListQuery): Promise<Page<ApiKeyRecord>>;
  updateKey(id: string, patch: KeyPatch): Promise<ApiKeyRecord | undefined>;
  revokeKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** A new key replaces `id`; the old one stays valid `graceSeconds` more (0: revoked now). */
  rotateKey(id: string, graceSeconds: number): Promise<{ record: ApiKeyRecord; secret: string; old: ApiKeyRecord } | undefined>;

  createUser(input: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(q?: ListQuery): Promise<Page<UserRecord>>;
  updateUser(id: string, patch: NewUser): Promise<UserRecord | undefined>;
  deleteUser(id: string): Promise<boolean>;

  createTeam(input: NewTeam): Promise<TeamRecord>;
  getTeam(id: string): Promise<TeamRecord | undefined>;
  listTeams(q?: ListQuery): Promise<Page<TeamRecord>>;
  updateTeam(id: string, patch: Partial<NewTeam>): Promise<TeamRecord | undefined>;
  deleteTeam(id: string): Promise<boolean>;

  /** Buffered and written in batches: never waits on the database (see write-buffer.ts). */
  recordUsage(row: UsageRow): void;
  /** Spend totals; this process's buffered rows are written first. */
  queryUsage(q: UsageQuery): Promise<UsageTotals[]>;
  /** Buffered like usage but written at once (next tick); stamped with the time it is recorded. */
  recordAudit(entry: AuditEntry): void;
  queryAudit(q?: AuditQuery): Promise<Page<AuditRow>>;

  /** Write buffered usage and audit rows now (resolves when written or when the write failed). */
  flush(): Promise<void>;
  /** Round trip to the database plus what waits in the buffers, for `/readyz`. */
  health(): Promise<DbHealth>;
  /** Flush (rows the database will not take are dropped and counted), then disconnect. */
  close(): Promise<void>;
}
