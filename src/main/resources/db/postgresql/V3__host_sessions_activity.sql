-- PostgreSQL twin of db/migration/V3__host_sessions_activity.sql (H2): keep the two in step; only the identity columns differ.
-- Sessions handed from the portal to one host-routed service: valid only on that host, ended with the portal
-- session that created them.
ALTER TABLE sessions ADD COLUMN host VARCHAR(255);
ALTER TABLE sessions ADD COLUMN parent_hash VARCHAR(64);
CREATE INDEX sessions_parent ON sessions(parent_hash);

-- Last time traffic passed through the proxy to each route (for idle culling); written in batches.
ALTER TABLE routes ADD COLUMN last_activity TIMESTAMP WITH TIME ZONE;
