-- PostgreSQL twin of db/migration/V8__shares.sql (H2): keep the two in step; only the identity columns differ.
-- A stack shared with a user or a group: they may open its services (not manage it). Revoking deletes the row.
CREATE TABLE shares (
    stack_id   BIGINT      NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    kind       VARCHAR(8)  NOT NULL,
    subject_id BIGINT      NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (stack_id, kind, subject_id)
);
CREATE INDEX shares_subject ON shares(kind, subject_id);
