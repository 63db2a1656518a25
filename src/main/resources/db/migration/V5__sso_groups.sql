-- Single sign-on: a user signed in through OIDC is tied to the provider's subject (issuer + sub), so a later
-- account with the same name elsewhere cannot take it over. uid/gid come from the provider when it sends them.
ALTER TABLE users ADD COLUMN sso_subject VARCHAR(512);
ALTER TABLE users ADD COLUMN uid INT;
ALTER TABLE users ADD COLUMN gid INT;
CREATE UNIQUE INDEX users_sso_subject ON users(sso_subject);

-- Groups, from the identity provider's groups claim (source 'sso', replaced at every login) or made in Berth.
CREATE TABLE groups (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(64) NOT NULL UNIQUE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE TABLE group_members (
    group_id BIGINT      NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id  BIGINT      NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    source   VARCHAR(16) NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

-- The provider's id_token of an SSO session, sent back as id_token_hint when the user logs out (RP-initiated logout).
ALTER TABLE sessions ADD COLUMN id_token VARCHAR(16384);
