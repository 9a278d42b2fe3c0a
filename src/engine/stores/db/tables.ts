/**
 * The identity database's tables as Kysely sees them: one typed description that both
 * dialects' queries are checked against. Columns are the same on SQLite and PostgreSQL:
 * timestamps are ISO-8601 text (so they compare as strings on both), JSON objects are
 * text, and `usage`/`audit` have an integer id the database assigns.
 */
import type { Generated, Kysely } from 'kysely';

export interface TeamsTable {
  id: string;
  name: string;
  budget: string | null;
  metadata: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  email: string | null;
  name: string | null;
  team_id: string | null;
  budget: string | null;
  metadata: string;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  hash: string;
  prefix: string;
  name: string | null;
  user_id: string | null;
  team_id: string | null;
  permissions: string;
  limits: string;
  budget: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  metadata: string;
  created_at: string;
  rotated_from: string | null;
  grace_until: string | null;
}

export interface UsageTable {
  id: Generated<number>;
  /** Written by the gateway so a retried batch is not counted twice (migration 2). */
  uid: string | null;
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

export interface AuditTable {
  id: Generated<number>;
  uid: string | null;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  details: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface GatewayTables {
  teams: TeamsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  usage: UsageTable;
  audit: AuditTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Sql = Kysely<GatewayTables>;

/** The two dialects: only DDL (migrations) and the connection layer tell them apart. */
export type DbKind = 'sqlite' | 'postgres';
