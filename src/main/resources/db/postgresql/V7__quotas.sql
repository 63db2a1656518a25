-- PostgreSQL twin of db/migration/V7__quotas.sql (H2): keep the two in step; only the identity columns differ.
-- Quotas: what each stack takes (from its template at launch), limits per user and group set by admins (NULL: the
-- default from berth.yaml), and one row every admission locks so concurrent launches are checked one at a time.
ALTER TABLE stacks ADD COLUMN containers INT DEFAULT 0 NOT NULL;
ALTER TABLE stacks ADD COLUMN cpu_millis BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE stacks ADD COLUMN memory_bytes BIGINT DEFAULT 0 NOT NULL;

CREATE TABLE quotas (
    kind         VARCHAR(8) NOT NULL,
    subject_id   BIGINT     NOT NULL,
    stacks       INT,
    containers   INT,
    cpu_millis   BIGINT,
    memory_bytes BIGINT,
    PRIMARY KEY (kind, subject_id)
);

CREATE TABLE quota_lock (id INT PRIMARY KEY);
INSERT INTO quota_lock (id) VALUES (1);
