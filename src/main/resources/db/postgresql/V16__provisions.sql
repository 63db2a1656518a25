-- PostgreSQL twin of db/migration/V16__provisions.sql (H2): keep the two in step.
-- Per-user provisioning of site stacks (issue 22): whether each user of a site stack's audience has been made an
-- account in it (state RUNNING while the template's provision command runs, DONE, or FAILED with the end of its
-- output for admins), and the secrets generated once for that user (user_secrets: in the template), kept across retries so
-- a retry sets the same password it shows.
CREATE TABLE provisions (
    stack_id   BIGINT        NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    user_id    BIGINT        NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    state      VARCHAR(16)   NOT NULL,
    output     VARCHAR(8192),
    attempts   INT           NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (stack_id, user_id)
);
CREATE TABLE user_secrets (
    stack_id BIGINT       NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
    user_id  BIGINT       NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name     VARCHAR(64)  NOT NULL,
    secret   VARCHAR(200) NOT NULL,
    PRIMARY KEY (stack_id, user_id, name)
);
