-- API tokens: the SHA-256 of the secret only (the secret is shown once, at creation). Scopes are a space-separated
-- set of read, launch, access, admin.
CREATE TABLE api_tokens (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT       NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         VARCHAR(64)  NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    scopes       VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE,
    last_used_at TIMESTAMP WITH TIME ZONE,
    UNIQUE (user_id, name)
);
